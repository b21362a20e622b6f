// Refuses to run against anything but the throwaway database and workspace the config made.
import os from "node:os";
import path from "node:path";

export default function globalSetup() {
  const dir = process.env.SB_E2E_DIR;
  if (!dir || !path.resolve(dir).startsWith(path.resolve(os.tmpdir()))) {
    throw new Error(`e2e must run on a temporary folder, got SB_E2E_DIR=${dir}`);
  }
}
