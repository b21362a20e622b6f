// A warm tool call through the pool (lookup, argument check, pin check, call) vs a bare SDK client on
// the same server, measured alternately in the same run. Goal: median overhead <= max(10%, 1 ms).
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
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StdioClientTransport, getDefaultEnvironment } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  const { callTool } = await import("@/lib/mcp/calls");
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
    return {
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
