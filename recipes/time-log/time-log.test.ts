// The nightly time log recipe end to end, copied into the workspace unchanged: the real worker and pool
// start the recipe's server (stdio), which reads each client's day through /api/mcp (the route's handler
// on a local port) with a read token from the environment, and appends to clients/<slug>/time-log.md.
// No agent runs and no token is spent; a client with nothing that day gets no entry; a retry adds nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { approveDraft } from "@/lib/drafts/drafts";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { clientFolder } from "@/lib/workspace/paths";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { clearWorkspace } from "@/lib/testing/heartbeats";
import { startOperatorMcpServer, userWithToken } from "@/lib/testing/operator-mcp";
import { installRecipe } from "@/lib/testing/recipes";

let worker: Worker;
let server: Awaited<ReturnType<typeof startOperatorMcpServer>>;
let reader: Awaited<ReturnType<typeof userWithToken>>;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startOperatorMcpServer();
  reader = await userWithToken("read");
  process.env.SWITCHBOARD_URL = server.url.replace(/\/api\/mcp$/, "");
  process.env.SWITCHBOARD_READ_TOKEN = reader.token;
  resetEnvForTests();
  clearWorkspace();
  await ensureClient("acme");
  await ensureClient("globex");
  expect(installRecipe("time-log")).toEqual(["time-log"]);
  writePipeline(
    "post",
    `name: Blog post
steps:
  - id: review
    approval: { title: "Winter boiler checklist", body: "Check the boiler." }
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
});

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await server?.close();
});

async function timeLogRun(day: string) {
  const id = await queueRun({ pipelineSlug: "time-log", inputs: { day }, createdBy: ACTOR, trigger: "schedule" });
  await waitForRunStatus(id, ["succeeded", "failed"], 120_000);
  return prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, error: true, inputTokens: true, outputTokens: true, costUsd: true } });
}

describe("time log recipe", { timeout: 240_000 }, () => {
  it("appends a dated entry for a client with a day to log, none for a quiet client, and nothing twice", async () => {
    const runId = await queueRun({ pipelineSlug: "post", clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"]);
    const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
    await approveDraft(draft.id, { version: 1 }, { id: null, label: "ana@agency.example" }, applyDraftDecision);
    await waitForRunStatus(runId, ["succeeded"]);

    const run = await timeLogRun("today");
    expect(run).toMatchObject({ status: "succeeded", error: null, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const log = fs.readFileSync(path.join(clientFolder("acme"), "time-log.md"), "utf8");
    expect(log.startsWith(`## ${today}\n`)).toBe(true);
    expect(log).toMatch(/- \d\d:\d\d UTC Blog post: succeeded, \d+ s/);
    expect(log).toMatch(/ {2}- review \(approval\): succeeded, \d+ s/);
    expect(log).toContain('- Draft "Winter boiler checklist" approved by ana@agency.example (version 1)');
    expect(log).toContain("- Spent this day: $0.00; this month: $0.00");
    expect(fs.existsSync(path.join(clientFolder("globex"), "time-log.md"))).toBe(false);

    // read through /api/mcp with the read token, and only with read tools
    const calls = await prisma.auditLog.findMany({ where: { action: "mcp.call", actorId: reader.user.id }, select: { targetId: true, dataJson: true } });
    expect(new Set(calls.map((c) => c.targetId))).toEqual(new Set(["list_clients", "client_history", "get_run"]));
    expect(calls.every((c) => c.dataJson?.includes('"outcome":"ok"'))).toBe(true);

    // a retry of the same day writes nothing more
    expect((await timeLogRun("today")).status).toBe("succeeded");
    expect(fs.readFileSync(path.join(clientFolder("acme"), "time-log.md"), "utf8")).toBe(log);
  });

  it("refuses a time-log.md planted as a symlink (the file it points to stays untouched), and still goes through the other clients", async () => {
    const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "outside-")), "stolen.md");
    fs.writeFileSync(outside, "");
    fs.symlinkSync(outside, path.join(clientFolder("globex"), "time-log.md"));
    const day = "2026-01-01";
    const run = await timeLogRun(day);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/globex\/time-log\.md is a symbolic link: refused/);
    expect(run.error).toMatch(/nothing to log for acme/);
    expect(fs.readFileSync(outside, "utf8")).toBe("");
  });
});
