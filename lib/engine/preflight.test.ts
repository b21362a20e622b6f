// Pre-flight: a run whose later steps name a missing server, a missing tool or a tool whose pin is not
// accepted fails before its first step, with the whole list, and nothing is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { preflightSteps } from "@/lib/engine/preflight";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { requireValidPipeline } from "@/lib/pipelines/load-pipelines";

let worker: Worker;
const suffix = Math.random().toString(36).slice(2, 8);
const broken = `broken${suffix}`;
const everything = `everything${suffix}`;

beforeAll(async () => {
  await ensureClient("acme");
  writeMcpJson({
    [everything]: { command: "node", args: [EVERYTHING, "stdio"] },
    [broken]: { command: "node", args: ["-e", "console.error('no config'); process.exit(2)"] },
  });
  writePipeline(
    `five-${suffix}`,
    `name: Fails at step five
steps:
  - id: first
    tool: ${everything}/echo
    args: { message: "a side effect" }
  - id: second
    tool: ${everything}/no_such_tool
  - id: review
    approval: { title: "t", body: "b" }
  - id: publish
    tool: ${everything}/get-sum
    args: { a: 1, b: 2 }
  - id: fifth
    tool: ghost${suffix}/anything
  - id: writer
    agent:
      runner: anthropic
      prompt: "write"
      tools: [${everything}/echo, ${broken}/*]
`,
  );
  writePipeline(
    `fine-${suffix}`,
    `name: All there
steps:
  - id: first
    tool: ${everything}/echo
    args: { message: "hi" }
  - id: review
    approval: { title: "t", body: "b" }
  - id: after
    tool: ${everything}/echo
    args: { message: "after" }
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

describe("pre-flight", () => {
  it("lists every missing server, tool and unaccepted pin, for tool steps and agent allow-lists", async () => {
    const pool = getMcpPool();
    await pool.tools(await pool.resolve(everything));
    // get-sum changed since an admin accepted it; it runs after the approval step
    await prisma.toolPin.update({ where: { scope_server_tool: { scope: "global", server: everything, tool: "get-sum" } }, data: { acceptedHash: "0".repeat(64) } });
    await pool.tools(await pool.resolve(everything), { maxAgeMs: 0 });
    const problems = await preflightSteps({ steps: requireValidPipeline(`five-${suffix}`).steps, clientSlug: null });
    expect(problems.map((p) => [p.stepId, p.ref])).toEqual([
      ["second", `${everything}/no_such_tool`],
      ["publish", `${everything}/get-sum`],
      ["fifth", `ghost${suffix}`],
      ["writer", broken],
    ]);
    expect(problems[0].problem).toMatch(/has no tool "no_such_tool"/);
    expect(problems[1].problem).toMatch(/runs after an approval step|may change or delete data/);
    expect(problems[2].problem).toMatch(/No MCP server named/);
    expect(problems[3].problem).toMatch(/Could not start/);
    expect(await preflightSteps({ steps: requireValidPipeline(`fine-${suffix}`).steps, clientSlug: "acme" })).toEqual([]);
  });

  it("fails a run at once, before its first step sends anything, with the list of what is missing", async () => {
    const runId = await queueRun({ pipelineSlug: `five-${suffix}`, createdBy: ACTOR });
    await waitForRunStatus(runId, ["failed"], 60_000);
    expect(await prisma.toolCall.count({ where: { runId } })).toBe(0);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { error: true } });
    expect(run.error).toMatch(/^Pre-flight: 4 things this run needs are missing, so no step ran/);
    for (const needle of ["no_such_tool", "get-sum", `ghost${suffix}`, broken]) expect(run.error).toContain(needle);
    const steps = await prisma.runStep.findMany({ where: { runId }, orderBy: { position: "asc" }, select: { stepId: true, status: true } });
    expect(steps.map((s) => s.status)).toEqual(["failed", "pending", "pending", "pending", "pending", "pending"]);
    expect(steps[0].stepId).toBe("first");
  });

  it("lets a run whose servers and tools are all there go ahead", async () => {
    const runId = await queueRun({ pipelineSlug: `fine-${suffix}`, clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"], 60_000);
    expect(await prisma.toolCall.count({ where: { runId, status: "succeeded" } })).toBe(1);
  });
});
