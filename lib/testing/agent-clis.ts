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

/** One JSON-RPC request that reached the gateway, with the protocol revision it was sent on. */
export type GatewayRequestSeen = { method: string; revision: string | null; envelope: boolean; clientName: string | null };

/** What a gateway request names: the 2026-07-28 envelope in its _meta, or initialize's protocolVersion, or the header. */
function seenRequest(req: Request, text: string): GatewayRequestSeen | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!body || typeof body !== "object" || !("method" in body) || typeof body.method !== "string") return null;
  const params = "params" in body && body.params && typeof body.params === "object" ? (body.params as Record<string, unknown>) : {};
  const meta = params._meta && typeof params._meta === "object" ? (params._meta as Record<string, unknown>) : {};
  const enveloped = meta["io.modelcontextprotocol/protocolVersion"];
  const info = (meta["io.modelcontextprotocol/clientInfo"] ?? params.clientInfo) as { name?: unknown } | undefined;
  const revision = typeof enveloped === "string" ? enveloped : typeof params.protocolVersion === "string" ? params.protocolVersion : req.headers.get("mcp-protocol-version");
  return { method: body.method, revision, envelope: typeof enveloped === "string", clientName: typeof info?.name === "string" ? info.name : null };
}

/**
 * The HTTP gateway on a local port, as /api/mcp/gateway serves it in the app (same handler). `seen` lists
 * each JSON-RPC request that reached it, with the revision it came on (read from a copy of the request).
 */
export async function startGatewayServer(): Promise<{ url: string; close: () => Promise<void>; seen: GatewayRequestSeen[] }> {
  const { handleGatewayRequest } = await import("@/lib/mcp/gateway-http");
  const { gatewayStepForToken } = await import("@/lib/engine/gateway-tokens");
  const seen: GatewayRequestSeen[] = [];
  const served = await serveFetchHandler(async (req) => {
    if (req.method === "POST") {
      const one = seenRequest(req, await req.clone().text());
      if (one) seen.push(one);
    }
    return await handleGatewayRequest(req, gatewayStepForToken);
  }, "/api/mcp/gateway");
  return { ...served, seen };
}
