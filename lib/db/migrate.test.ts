import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrateDatabase } from "@/lib/db/migrate";
import { prisma } from "@/lib/db/client";

describe("migrateDatabase", () => {
  it("creates every table on an empty file, in WAL mode, and is a no-op the second time", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sb-mig-")), "nested", "db.sqlite");
    const first = migrateDatabase(file);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = migrateDatabase(file);
    expect(second.applied).toEqual([]);
    const db = new Database(file, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["User", "Client", "Run", "RunStep", "ToolCall", "Draft", "DraftVersion", "HeartbeatEvent", "AuditLog", "_prisma_migrations"]));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });

  it("refuses a migration that was edited after it was applied", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sb-mig-"));
    const migrations = path.join(dir, "migrations");
    fs.mkdirSync(path.join(migrations, "001_a"), { recursive: true });
    fs.writeFileSync(path.join(migrations, "001_a", "migration.sql"), 'CREATE TABLE "A" ("id" TEXT);');
    const file = path.join(dir, "db.sqlite");
    migrateDatabase(file, migrations);
    fs.writeFileSync(path.join(migrations, "001_a", "migration.sql"), 'CREATE TABLE "A" ("id" INTEGER);');
    expect(() => migrateDatabase(file, migrations)).toThrow(/001_a was changed/);
  });

  it("matches the Prisma schema: every model can be written and read through the client", async () => {
    const user = await prisma.user.create({ data: { email: "m@example.com", passwordHash: "x", role: "admin" } });
    const client = await prisma.client.create({ data: { slug: "acme", name: "Acme" } });
    const run = await prisma.run.create({ data: { pipelineSlug: "p", pipelineName: "P", pipelineJson: "{}", clientId: client.id } });
    const step = await prisma.runStep.create({ data: { runId: run.id, stepId: "s", position: 0, kind: "tool" } });
    await prisma.toolCall.create({ data: { runId: run.id, runStepId: step.id, server: "e", tool: "echo", argumentsJson: "{}", idempotencyKey: "k" } });
    await prisma.runEvent.create({ data: { runId: run.id, runStepId: step.id, type: "log", message: "hi" } });
    const draft = await prisma.draft.create({ data: { runId: run.id, runStepId: step.id, clientId: client.id, title: "t", body: "b" } });
    await prisma.draftVersion.create({ data: { draftId: draft.id, version: 1, title: "t", body: "b", authorId: user.id } });
    const hb = await prisma.heartbeatState.create({ data: { slug: "nightly", pingToken: "tok" } });
    await prisma.heartbeatEvent.create({ data: { heartbeatId: hb.id, kind: "success", dueAt: new Date() } });
    await prisma.apiToken.create({ data: { name: "ci", tokenHash: "h", prefix: "sb_", userId: user.id } });
    await prisma.auditLog.create({ data: { action: "client.create", targetType: "client", targetId: client.id, clientId: client.id } });
    await prisma.loginThrottle.create({ data: { key: "ip:1", failures: 1 } });
    await prisma.mcpServerApproval.create({ data: { scope: "acme", name: "x", contentHash: "h" } });
    await prisma.toolPin.create({ data: { server: "e", tool: "echo", seenHash: "a", acceptedHash: "a" } });
    await prisma.setting.create({ data: { key: "k", value: "v" } });
    await prisma.workerBeat.create({ data: { id: "w", kind: "worker", pid: 1 } });
    const back = await prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { steps: { include: { toolCalls: true, events: true } }, drafts: { include: { versions: true } } } });
    expect(back.steps[0].toolCalls[0].idempotencyKey).toBe("k");
    expect(back.drafts[0].versions[0].version).toBe(1);
    expect(back.createdAt).toBeInstanceOf(Date);
    const readUser = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect("passwordHash" in readUser).toBe(false);
  });
});
