// Shared values for the e2e journeys.
import path from "node:path";

export const ADMIN = { email: "admin@e2e.test", password: "correct-horse-battery-staple" };
export const e2eDir = () => process.env.SB_E2E_DIR as string;
export const workspace = () => path.join(e2eDir(), "workspace");
export const adminState = () => path.join(e2eDir(), "admin.json");
