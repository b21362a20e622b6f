// Refuses to run against anything but the throwaway database and workspace the config made.
import os from "node:os";
import path from "node:path";
import { ModelStandin } from "../lib/testing/model-standin";

export default async function globalSetup() {
  const dir = process.env.SB_E2E_DIR;
  if (!dir || !path.resolve(dir).startsWith(path.resolve(os.tmpdir()))) {
    throw new Error(`e2e must run on a temporary folder, got SB_E2E_DIR=${dir}`);
  }
  // the model API stand-in for agent steps, alive for the whole test run
  const standin = await ModelStandin.start(Number(process.env.SB_E2E_STANDIN_PORT));
  return () => standin.close();
}
