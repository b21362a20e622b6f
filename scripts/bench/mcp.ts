// A warm tool call through the pool (lookup, argument check, pin check, call) vs a bare SDK client on
// the same server, measured alternately in the same run. Goal: median overhead <= max(10%, 1 ms).
// And the cost of negotiating the revision when a stdio server starts (server/discover before the
// 2025 initialize), against a start that reuses what was learned, both timed in turn.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { medianP95, timeInTurn } from "./measure";

const N = 400;

export async function benchMcp(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-mcp-"));
  const entry = path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  fs.writeFileSync(path.join(root, "mcp.json"), JSON.stringify({ mcpServers: { everything: { command: "node", args: [entry, "stdio"] } } }));
  process.env.SWITCHBOARD_WORKSPACE = root;
  process.env.DATABASE_URL = `file:${path.join(root, "bench.db")}`;
  const { migrateDatabase } = await import("@/lib/db/migrate");
  migrateDatabase(path.join(root, "bench.db"));
  const { Client } = await import("@modelcontextprotocol/client");
  const { StdioClientTransport, getDefaultEnvironment } = await import("@modelcontextprotocol/client/stdio");
  const { callTool } = await import("@/lib/mcp/send-call");
  const { getMcpPool } = await import("@/lib/mcp/pool");

  const bare = new Client({ name: "bench", version: "0" });
  await bare.connect(new StdioClientTransport({ command: process.execPath, args: [entry, "stdio"], env: getDefaultEnvironment(), stderr: "ignore" }));
  const viaBare = () => bare.callTool({ name: "echo", arguments: { message: "bench" } });
  const viaPool = () => callTool({ server: "everything", tool: "echo", arguments: { message: "bench" } });
  try {
    const [bareMs, poolMs] = await timeInTurn([viaBare, viaPool], N);
    const b = medianP95(bareMs);
    const p = medianP95(poolMs);
    const overheadMs = p.medianMs - b.medianMs;
    const allowedMs = Math.max(b.medianMs * 0.1, 1);
    const probe = await benchProbe(entry);
    return {
      probe,
      bareSdk: b,
      pool: p,
      medianOverheadMs: Number(overheadMs.toFixed(3)),
      medianRatio: Number((p.medianMs / b.medianMs).toFixed(3)),
      goal: "median overhead <= max(10%, 1 ms)",
      meetsGoal: overheadMs <= allowedMs,
    };
  } finally {
    await bare.close();
    await getMcpPool().shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const STARTS = 24;

/**
 * What a stdio server start costs with the probe (server/discover, as the pool's first connect does) and
 * without (what it learned: initialize at once for a 2025-era server, nothing at all for a 2026-07-28
 * one), through the pool's own transport, timed in turn: connect only, the process spawn included.
 */
async function benchProbe(everything: string) {
  const { Client } = await import("@modelcontextprotocol/client");
  const { getDefaultEnvironment } = await import("@modelcontextprotocol/client/stdio");
  const { GroupStdioTransport } = await import("@/lib/mcp/stdio-transport");
  const modern = path.resolve("scripts/bench/fixtures/discover-server.mjs");
  const start = (args: string[], prior?: import("@modelcontextprotocol/client").PriorDiscovery) => async () => {
    const client = new Client({ name: "bench", version: "0" }, { versionNegotiation: { mode: "auto", probe: { timeoutMs: 5_000 } } });
    const transport = new GroupStdioTransport({ command: process.execPath, args, env: getDefaultEnvironment(), maxBufferSize: 1 << 26 });
    await client.connect(transport, prior ? { prior } : {});
    const discover = client.getDiscoverResult();
    await client.close();
    return discover;
  };
  const discover = await start([modern])();
  if (!discover) throw new Error("the bench's v2 server did not negotiate 2026-07-28");
  const [legacyProbed, legacyKnown, modernProbed, modernKnown] = await timeInTurn(
    [start([everything, "stdio"]), start([everything, "stdio"], { kind: "legacy" }), start([modern]), start([modern], { kind: "modern", discover })],
    STARTS,
    2,
  );
  const stats = (ms: number[]) => medianP95(ms, 1);
  const cost = (probed: number[], known: number[]) => Number((stats(probed).medianMs - stats(known).medianMs).toFixed(1));
  return {
    note: "a stdio server start (spawn + handshake), with the probe vs with the verdict the pool keeps per server and definition",
    legacyServer: { probed: stats(legacyProbed), known: stats(legacyKnown), probeCostMs: cost(legacyProbed, legacyKnown) },
    v2Server: { probed: stats(modernProbed), known: stats(modernKnown), probeCostMs: cost(modernProbed, modernKnown) },
  };
}
