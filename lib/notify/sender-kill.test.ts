// SECURITY.md row 32: kill -9 of a real process between an event and its notification, and during a send.
// Between: the worker process opens a draft (its outbox row commits with it) and is killed before its
// sender sends; after a restart the receiver gets the message exactly once. During: the receiver holds
// the request unanswered and the process is killed mid-send; after its claim's lease ends the restarted
// sender sends again, with the same id (README: a crash during a send may deliver twice).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { workspaceDir } from "@/lib/env";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { startHttpReceiver, type HttpReceiver } from "@/lib/testing/notify-receivers";
import { exited } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

let hooks: HttpReceiver;
const children: ChildProcess[] = [];

function spawnSender(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/testing/notify-process.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, SWITCHBOARD_URL: "https://switchboard.example", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`the sender process exited early (${code})`)));
  });
}

async function kill9(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await exited(child);
}

beforeAll(async () => {
  hooks = await startHttpReceiver();
  fs.writeFileSync(path.join(workspaceDir(), "notifications.yaml"), `- { name: ops, type: webhook, url: "${hooks.url("/hook")}", secret: s3cret, events: [draft.waiting] }\n`);
  await ensureClient("acme");
  writePipeline("review", `name: Review\ninputs:\n  page: { type: string, required: true }\nsteps:\n  - id: review\n    approval: { title: "Report {{ inputs.page }}", body: "body" }\n`);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  }
});

afterAll(() => hooks.close());

const received = (outboxId: string) => hooks.requests.filter((r) => JSON.parse(r.body).id === outboxId);

describe("kill -9 and notifications", () => {
  it("between the event and the send: delivered exactly once after the restart", async () => {
    const child = await spawnSender(); // one pass at start, then no more sending
    const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", inputs: { page: "/between" }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"]);
    const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
    const row = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey: `draft.waiting:${draft.id}` } });
    await kill9(child);
    expect(row.state).toBe("pending");
    expect(received(row.id)).toEqual([]);

    await spawnSender({ NOTIFY_POLL_MS: "20" });
    await waitFor(async () => (await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).state === "sent", undefined, "the row to be sent after the restart");
    expect(received(row.id)).toHaveLength(1);
    expect(JSON.parse(received(row.id)[0].body).url).toBe(`https://switchboard.example/drafts/${draft.id}`);
    expect(await prisma.notificationDelivery.count({ where: { outboxId: row.id, status: "sent" } })).toBe(1);
  });

  it("during a send: the row is sent again once its claim runs out, with the same id", async () => {
    hooks.hold(true);
    let child = await spawnSender({ NOTIFY_POLL_MS: "20" });
    const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", inputs: { page: "/during" }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"]);
    const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
    const row = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey: `draft.waiting:${draft.id}` } });
    await waitFor(() => received(row.id).length === 1, undefined, "the request to reach the receiver");
    await kill9(child);
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).state).toBe("sending");
    hooks.hold(false);
    // what time would do to the dead sender's claim (set directly: no waiting for it to run out)
    await prisma.notificationOutbox.update({ where: { id: row.id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    child = await spawnSender({ NOTIFY_POLL_MS: "20" });
    await waitFor(async () => (await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).state === "sent", undefined, "the row to be sent again");
    expect(received(row.id)).toHaveLength(2);
    expect(await prisma.notificationDelivery.count({ where: { outboxId: row.id, status: "sent" } })).toBe(1);
  });
});
