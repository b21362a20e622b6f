import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";
import { queueRun, RunInputsError } from "@/lib/engine/queue-run";

beforeAll(async () => {
  await ensureClient("acme");
  await ensureClient("globex");
  await ensureClient("oldco", { archived: true });
  writePipeline(
    "report",
    `name: Report
clients: [acme, oldco]
inputs:
  page: { type: string, required: true }
  depth: { type: number, default: 2 }
steps:
  - id: fetch
    tool: test/echo
    args: { message: "{{ inputs.page }}" }
  - id: review
    approval: { title: "Report for {{ client.name }}", body: "{{ steps.fetch.text }}" }
`,
  );
  writePipeline("needs-client", "name: Needs\nsteps:\n  - id: w\n    tool: test/echo\n    args: { message: '{{ client.folder }}' }\n");
  writePipeline("broken", "name: Broken\nsteps:\n  - id: a\n    tool: nope\n");
});

describe("queueRun", () => {
  it("inserts a queued run with a snapshot of the pipeline and pending steps, and runs nothing", async () => {
    const id = await queueRun({ pipelineSlug: "report", clientSlug: "acme", inputs: { page: "/pricing" }, createdBy: { id: null, label: "Ada" }, trigger: "api" });
    const run = await prisma.run.findUniqueOrThrow({
      where: { id },
      select: { status: true, pipelineName: true, pipelineJson: true, inputsJson: true, trigger: true, createdByLabel: true, client: { select: { slug: true } } },
    });
    expect(run).toMatchObject({ status: "queued", pipelineName: "Report", trigger: "api", createdByLabel: "Ada", client: { slug: "acme" } });
    expect(JSON.parse(run.inputsJson)).toEqual({ page: "/pricing", depth: 2 });
    expect(JSON.parse(run.pipelineJson)).toMatchObject({ slug: "report", steps: [{ id: "fetch" }, { id: "review" }] });
    const steps = await prisma.runStep.findMany({ where: { runId: id }, orderBy: { position: "asc" }, select: { stepId: true, kind: true, status: true, attempt: true } });
    expect(steps).toEqual([
      { stepId: "fetch", kind: "tool", status: "pending", attempt: 1 },
      { stepId: "review", kind: "approval", status: "pending", attempt: 1 },
    ]);
  });

  it("refuses what cannot run, with a clear message, and inserts nothing", async () => {
    const before = await prisma.run.count();
    await expect(queueRun({ pipelineSlug: "nope", inputs: {}, createdBy: ACTOR })).rejects.toThrow('No pipeline "nope"');
    await expect(queueRun({ pipelineSlug: "broken", inputs: {}, createdBy: ACTOR })).rejects.toThrow(/pipelines\/broken\.yaml:4 steps\[0\]\.tool: expected <server>\/<tool>/);
    await expect(queueRun({ pipelineSlug: "report", clientSlug: "ghost", inputs: { page: "x" }, createdBy: ACTOR })).rejects.toThrow('No client "ghost"');
    await expect(queueRun({ pipelineSlug: "report", clientSlug: "oldco", inputs: { page: "x" }, createdBy: ACTOR })).rejects.toThrow(/archived/);
    await expect(queueRun({ pipelineSlug: "report", clientSlug: "globex", inputs: { page: "x" }, createdBy: ACTOR })).rejects.toThrow(/does not run for the client "globex"/);
    await expect(queueRun({ pipelineSlug: "report", inputs: { page: "x" }, createdBy: ACTOR })).rejects.toThrow(/Choose a client/);
    await expect(queueRun({ pipelineSlug: "needs-client", createdBy: ACTOR })).rejects.toThrow(/choose a client/);
    await expect(queueRun({ pipelineSlug: "../etc", createdBy: ACTOR })).rejects.toThrow(/Unknown pipeline/);
    const error = await queueRun({ pipelineSlug: "report", clientSlug: "acme", inputs: { depth: "deep" }, createdBy: ACTOR }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInputsError);
    expect((error as RunInputsError).fieldErrors).toEqual({ page: "page is required", depth: "depth must be a number" });
    expect(await prisma.run.count()).toBe(before);
  });
});
