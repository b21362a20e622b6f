// For the CLI runner tests: the real claude and codex binaries from node_modules, an isolated HOME, and
// a look at the process table to prove that nothing a step started outlives it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serveFetchHandler } from "@/lib/testing/fetch-server";
import { processTable } from "@/lib/testing/processes";

export const CLAUDE_BIN = path.resolve("node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude");
export const CODEX_BIN = path.resolve("node_modules/@openai/codex/bin/codex.js");
/** codex's native binary, under this checkout's node_modules (other checkouts on the machine run their own) */
export const CODEX_NATIVE = path.resolve("node_modules/@openai/codex-linux-x64");

export function isolatedHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-home-"));
  process.env.HOME = home;
  return home;
}

/** Pids of running processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  return (
    processTable()
      // a zombie has exited; its parent simply has not reaped it yet
      .filter((p) => p.pid !== process.pid && p.state !== "Z" && p.cmdline.includes(needle))
      .map((p) => p.pid)
  );
}

/** The HTTP gateway on a local port, as /api/mcp/gateway serves it in the app (same handler). */
export async function startGatewayServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const { handleGatewayRequest } = await import("@/lib/mcp/gateway-http");
  const { gatewayStepForToken } = await import("@/lib/engine/gateway-tokens");
  return serveFetchHandler((req) => handleGatewayRequest(req, gatewayStepForToken), "/api/mcp/gateway");
}
