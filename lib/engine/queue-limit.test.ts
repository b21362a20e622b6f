// At most SWITCHBOARD_MAX_QUEUED_PER_PIPELINE queued runs per pipeline and client; over it a clear 429.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { queueRun } from "@/lib/engine/queue-run";
import { resetEnvForTests, workspaceDir } from "@/lib/env";

const suffix = Math.random().toString(36).slice(2, 8);
const pipeline = `limited-${suffix}`;
const actor = { id: null, label: "Test" };
const queued = (clientId: string | null) => prisma.run.count({ where: { pipelineSlug: pipeline, clientId, status: "queued" } });

beforeAll(async () => {
  process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE = "3";
  process.env.SWITCHBOARD_DISABLE_WORKER = "1";
  resetEnvForTests();
  const dir = path.join(workspaceDir(), "pipelines");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${pipeline}.yaml`), "name: Limited\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: hi }\n");
  for (const slug of [`a-${suffix}`, `b-${suffix}`]) {
    fs.mkdirSync(path.join(workspaceDir(), "clients", slug), { recursive: true });
    await prisma.client.create({ data: { slug, name: slug } });
  }
});

afterAll(() => {
  delete process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE;
  resetEnvForTests();
});

describe("queued runs per pipeline and client", () => {
  it("refuses the run past the limit with a 429 that says what to do, and keeps nothing of it", async () => {
    for (let i = 0; i < 3; i++) await queueRun({ pipelineSlug: pipeline, clientSlug: `a-${suffix}`, createdBy: actor, trigger: "api" });
    const error = await queueRun({ pipelineSlug: pipeline, clientSlug: `a-${suffix}`, createdBy: actor, trigger: "api" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafeError);
    expect((error as SafeError).status).toBe(429);
    expect((error as SafeError).message).toMatch(/3 runs of "Limited" .* already queued/);
    const client = await prisma.client.findUniqueOrThrow({ where: { slug: `a-${suffix}` }, select: { id: true } });
    expect(await queued(client.id)).toBe(3);
  });

  it("counts each client on its own, and runs without a client on their own", async () => {
    await queueRun({ pipelineSlug: pipeline, clientSlug: `b-${suffix}`, createdBy: actor, trigger: "api" });
    await queueRun({ pipelineSlug: pipeline, createdBy: actor, trigger: "api" });
    expect(await queued(null)).toBe(1);
  });

  it("concurrent requests cannot push past the limit", async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => queueRun({ pipelineSlug: pipeline, createdBy: actor, trigger: "api" })));
    for (const r of results) if (r.status === "rejected") expect((r.reason as SafeError).status).toBe(429);
    expect(await queued(null)).toBeLessThanOrEqual(3);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
  });

  it("a run that leaves the queue frees its place", async () => {
    const client = await prisma.client.findUniqueOrThrow({ where: { slug: `a-${suffix}` }, select: { id: true } });
    const first = await prisma.run.findFirstOrThrow({ where: { pipelineSlug: pipeline, clientId: client.id, status: "queued" }, select: { id: true } });
    await prisma.run.update({ where: { id: first.id }, data: { status: "cancelled" } });
    await expect(queueRun({ pipelineSlug: pipeline, clientSlug: `a-${suffix}`, createdBy: actor, trigger: "api" })).resolves.toEqual(expect.any(String));
  });
});
