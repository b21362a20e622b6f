import { describe, expect, it } from "vitest";
import { prepared, prisma, sqlDate, sqlite, waitingWriteCount, writeTransaction } from "@/lib/db/client";
import { waitFor } from "@/lib/testing/wait-for";

const suffix = () => Math.random().toString(36).slice(2, 10);

async function clientExists(slug: string) {
  return (await prisma.client.findUnique({ where: { slug }, select: { id: true } })) !== null;
}

function insertClient(slug: string) {
  return writeTransaction((db) => {
    const now = sqlDate(new Date());
    prepared(db, `INSERT INTO "Client" ("id", "slug", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`).run(`c-${slug}`, slug, slug, now, now);
  });
}

describe("writeTransaction on Prisma's connection", () => {
  it("uses the same connection Prisma does, with synchronous=FULL", async () => {
    const slug = `same-${suffix()}`;
    await insertClient(slug);
    expect(await clientExists(slug)).toBe(true);
    const db = await sqlite();
    expect(Number(db.pragma("synchronous", { simple: true }))).toBe(2);
  });

  it("waits for an open Prisma transaction instead of joining it, so Prisma's rollback cannot undo it", async () => {
    const mine = `mine-${suffix()}`;
    const theirs = `theirs-${suffix()}`;
    let written: Promise<void> | null = null;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.client.create({ data: { slug: theirs, name: theirs } });
        // issued while Prisma's transaction is open on the same connection
        written = insertClient(mine);
        // the barrier: the write has seen this transaction open and waits for it (it did not join it)
        await waitFor(() => waitingWriteCount() === 1, undefined, "the write to wait for the open transaction");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await written;
    expect(await clientExists(theirs)).toBe(false);
    expect(await clientExists(mine)).toBe(true);
  });

  it("rolls back every statement of a write that throws", async () => {
    const slug = `undone-${suffix()}`;
    await expect(
      writeTransaction((db) => {
        const now = sqlDate(new Date());
        prepared(db, `INSERT INTO "Client" ("id", "slug", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`).run(`c-${slug}`, slug, slug, now, now);
        throw new Error("half done");
      }),
    ).rejects.toThrow("half done");
    expect(await clientExists(slug)).toBe(false);
  });
});
