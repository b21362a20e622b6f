// An agent's tool call through the MCP gateway (allow-list, schema check, record under the step, pool
// call, redaction) vs a direct pool call on the same server, alternately in the same run. Two baselines:
// the pool call recorded as a tool step records it (the same database writes: the gateway's own cost),
// and the bare pool call (what recording adds on top). Goal: median gateway overhead <= 1 ms over the
// recorded pool call.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { medianP95, timeInTurn } from "./measure";

const N = 300;

export async function benchGateway(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-gateway-"));
  const entry = path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  fs.writeFileSync(path.join(root, "mcp.json"), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [entry, "stdio"] } } }));
  process.env.SWITCHBOARD_WORKSPACE = root;
  process.env.DATABASE_URL = `file:${path.join(root, "bench.db")}`;
  const { migrateDatabase } = await import("@/lib/db/migrate");
  migrateDatabase(path.join(root, "bench.db"));
  const { prisma } = await import("@/lib/db/client");
  const { callToolRecorded } = await import("@/lib/mcp/calls");
  const { callTool } = await import("@/lib/mcp/send-call");
  const { GatewaySession } = await import("@/lib/mcp/gateway");
  const { getMcpPool } = await import("@/lib/mcp/pool");

  const run = await prisma.run.create({
    data: { pipelineSlug: "bench", pipelineName: "Bench", pipelineJson: "{}", status: "running", steps: { create: { stepId: "agent", position: 0, kind: "agent", status: "running" } } },
    select: { id: true, steps: { select: { id: true } } },
  });
  const step = { runId: run.id, runStepId: run.steps[0].id };
  const gateway = new GatewaySession({ ...step, clientSlug: null, allow: ["everything/echo"], afterApproval: false, beforeApproval: false });
  const args = { message: "bench" };
  const viaGateway = async () => {
    const r = await gateway.call("everything__echo", args);
    if (r.isError) throw new Error(r.error);
  };
  const viaRecorded = () => callToolRecorded({ server: "everything", tool: "echo", arguments: args, ...step });
  const viaPool = () => callTool({ server: "everything", tool: "echo", arguments: args });
  try {
    const [poolMs, recordedMs, gatewayMs] = await timeInTurn([viaPool, viaRecorded, viaGateway], N);
    const pool = medianP95(poolMs, 3);
    const recorded = medianP95(recordedMs, 3);
    const gw = medianP95(gatewayMs, 3);
    // paired: each gateway call against the recorded pool call just before it, so load spikes cancel out
    const paired = medianP95(
      gatewayMs.map((g, i) => g - recordedMs[i]),
      3,
    ).medianMs;
    const overRecorded = paired;
    return {
      pool,
      poolRecorded: recorded,
      gateway: gw,
      medianOverheadOverRecordedPoolMs: Number((gw.medianMs - recorded.medianMs).toFixed(3)),
      pairedMedianOverheadOverRecordedPoolMs: Number(paired.toFixed(3)),
      medianOverheadOverBarePoolMs: Number((gw.medianMs - pool.medianMs).toFixed(3)),
      goal: "paired median gateway overhead <= 1 ms over a recorded pool call",
      meetsGoal: overRecorded <= 1,
      loadAverage: (await import("node:os")).loadavg().map((l) => Number(l.toFixed(1))),
    };
  } finally {
    await getMcpPool().shutdown();
    await prisma.$disconnect();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
