import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { listRunsQuery } from "@/lib/engine/engine.schema";
import { listActiveAndRecentFailedRuns, listRuns } from "@/lib/engine/run-list";
import { getRunDetail, listRunEvents } from "@/lib/engine/run-detail";

const ids: string[] = [];

beforeAll(async () => {
  await ensureClient("acme");
  await ensureClient("globex");
  writePipeline("one", "name: One\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
  writePipeline("two", "name: Two\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
  for (let i = 0; i < 12; i++) {
    ids.push(await queueRun({ pipelineSlug: i % 2 ? "two" : "one", clientSlug: i % 3 ? "acme" : "globex", createdBy: ACTOR }));
  }
  // same createdAt for several runs: the cursor must still neither skip nor repeat
  await prisma.run.updateMany({ where: { id: { in: ids.slice(4, 9) } }, data: { createdAt: new Date("2026-01-01T00:00:00Z") } });
  await prisma.run.updateMany({ where: { id: { in: ids.slice(0, 3) } }, data: { status: "failed" } });
});

describe("listRuns", () => {
  it("pages through every run newest first with a keyset cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listRuns>> = await listRuns({ limit: 5, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(new Set(ids));
    const all = await listRuns({ limit: 50 });
    expect(all.items.map((r) => r.id)).toEqual(seen);
    expect(all.nextCursor).toBeNull();
    const created = all.items.map((r) => r.createdAt.getTime());
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it("filters by client, pipeline, status and time", async () => {
    const acme = await listRuns({ clientSlug: "acme" });
    expect(acme.items.every((r) => r.client?.slug === "acme")).toBe(true);
    expect(acme.items).toHaveLength(8);
    expect((await listRuns({ pipeline: "two", clientSlug: "globex" })).items).toHaveLength(2);
    expect((await listRuns({ status: "failed" })).items.map((r) => r.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect((await listRuns({ status: ["failed", "queued"] })).items).toHaveLength(12);
    expect((await listRuns({ to: new Date("2026-06-01T00:00:00Z") })).items).toHaveLength(5);
    expect((await listRuns({ clientSlug: "nobody" })).items).toEqual([]);
    await expect(listRuns({ cursor: "garbage" })).rejects.toThrow("Invalid cursor");
    await expect(listRuns({ status: "exploded" as "failed" })).rejects.toThrow(/Invalid filter/);
  });

  it("reads a `to` day the same on the page and in the API: that whole UTC day is included", async () => {
    // five runs were created at 2026-01-01T00:00:00Z; move one to the last millisecond of that day
    await prisma.run.update({ where: { id: ids[4] }, data: { createdAt: new Date("2026-01-01T23:59:59.999Z") } });
    try {
      const query = new URLSearchParams("from=2026-01-01&to=2026-01-01");
      const api = await listRuns(listRunsQuery(query));
      const page = await listRuns(listRunsQuery(query, { lenient: true }));
      expect(api.items.map((r) => r.id).sort()).toEqual(ids.slice(4, 9).sort());
      expect(page.items.map((r) => r.id)).toEqual(api.items.map((r) => r.id));
      expect((await listRuns(listRunsQuery(new URLSearchParams("to=2025-12-31")))).items).toEqual([]);
      // an exact instant is an exclusive bound
      expect((await listRuns({ to: "2026-01-01T23:59:59.999Z" })).items.map((r) => r.id).sort()).toEqual(ids.slice(5, 9).sort());
      // the API refuses what it cannot read; the page ignores it
      await expect(listRuns(listRunsQuery(new URLSearchParams("to=2026-02-30")))).rejects.toThrow(/to must be a day/);
      expect((await listRuns(listRunsQuery(new URLSearchParams("to=2026-02-30&status=nope"), { lenient: true }))).items).toHaveLength(12);
    } finally {
      await prisma.run.update({ where: { id: ids[4] }, data: { createdAt: new Date("2026-01-01T00:00:00Z") } });
    }
  });

  it("says what each waiting run waits for", async () => {
    const [approval, unknown] = [ids[9], ids[10]];
    await prisma.run.updateMany({ where: { id: { in: [approval, unknown] } }, data: { status: "waiting" } });
    await prisma.runStep.updateMany({ where: { runId: { in: [approval, unknown] } }, data: { status: "waiting" } });
    await prisma.runStep.updateMany({ where: { runId: approval }, data: { kind: "approval" } });
    try {
      const waiting = (await listRuns({ status: "waiting" })).items;
      expect(Object.fromEntries(waiting.map((r) => [r.id, r.waitingFor]))).toEqual({ [approval]: "approval", [unknown]: "outcome-unknown" });
      expect((await getRunDetail(unknown))?.waitingFor).toBe("outcome-unknown");
      expect((await listActiveAndRecentFailedRuns()).active.find((r) => r.id === approval)?.waitingFor).toBe("approval");
      expect((await listRuns({ status: "queued" })).items.every((r) => r.waitingFor === null)).toBe(true);
    } finally {
      await prisma.runStep.updateMany({ where: { runId: { in: [approval, unknown] } }, data: { status: "pending", kind: "tool" } });
      await prisma.run.updateMany({ where: { id: { in: [approval, unknown] } }, data: { status: "queued" } });
    }
  });

  it("lists active runs and recent failures for the Today page", async () => {
    const today = await listActiveAndRecentFailedRuns();
    expect(today.failed.map((r) => r.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(today.active.every((r) => r.status === "queued")).toBe(true);
  });
});

describe("getRunDetail", () => {
  it("returns status, steps with every attempt and their tool calls, usage and events", async () => {
    const id = ids[11];
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id }, select: { id: true } });
    await prisma.runStep.update({ where: { id: step.id }, data: { status: "failed", error: "boom" } });
    await prisma.runStep.create({ data: { runId: id, stepId: "a", position: 0, kind: "tool", status: "pending", attempt: 2 } });
    await prisma.toolCall.create({
      data: { runId: id, runStepId: step.id, server: "test", tool: "echo", argumentsJson: '{"message":"x"}', resultJson: '{"content":[]}', status: "failed", isError: true },
    });
    const detail = await getRunDetail(id);
    expect(detail).toMatchObject({
      id,
      status: "queued",
      pipelineSlug: "two",
      client: { slug: "acme" },
      usage: { inputTokens: 0, outputTokens: 0, cacheTokens: 0, costUsd: 0 },
      canCancel: true,
      canRetry: false,
    });
    expect(detail?.steps.map((s) => [s.id, s.kind, s.status, s.attempt, s.isLatestAttempt, s.error])).toEqual([
      ["a", "tool", "failed", 1, false, "boom"],
      ["a", "tool", "pending", 2, true, null],
    ]);
    expect(detail?.steps[0].toolCalls).toEqual([expect.objectContaining({ server: "test", tool: "echo", arguments: { message: "x" }, result: { content: [] }, isError: true, status: "failed" })]);
    expect(detail?.events.map((e) => e.type)).toEqual(["status"]);
    const lastEventId = detail?.lastEventId ?? 0;
    expect(await listRunEvents(id, lastEventId)).toEqual([]);
    expect((await getRunDetail(id, { afterEventId: lastEventId }))?.events).toEqual([]);
    expect(await getRunDetail("missing")).toBeNull();
  });

  it("still shows the raster images (a screenshot) of a result too large to send inline, each size-capped, never an SVG", async () => {
    const id = ids[10];
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id }, select: { id: true } });
    const shot = "iVBORw0KGgo".padEnd(200_000, "A");
    const content = [
      { type: "text", text: "x".repeat(70_000) },
      { type: "image", mimeType: "image/svg+xml", data: "PHN2Zz48L3N2Zz4=" },
      { type: "image", mimeType: "image/jpeg", data: shot },
      { type: "image", mimeType: "image/png", data: "A".repeat(800 * 1024) },
    ];
    await prisma.toolCall.create({
      data: { runId: id, runStepId: step.id, server: "playwright", tool: "browser_take_screenshot", argumentsJson: "{}", resultJson: JSON.stringify({ content }), status: "succeeded" },
    });
    const call = (await getRunDetail(id))?.steps[0].toolCalls.find((c) => c.tool === "browser_take_screenshot");
    expect(call).toMatchObject({ result: null, resultOmitted: true });
    expect(call?.images).toEqual([{ type: "image", mimeType: "image/jpeg", data: shot }]);
  });
});
