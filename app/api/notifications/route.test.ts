// GET /api/notifications: the delivery log for admins only, paged { items, nextCursor }; a channel kept in
// the database is sealed at rest (its address is not in the row) and shown masked.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listNotifications } from "@/app/api/notifications/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { listChannelSummaries, sendTestToChannel } from "@/lib/notify/delivery-log";
import { createStoredChannel, listStoredChannels } from "@/lib/notify/stored-channels";

const suffix = Math.random().toString(36).slice(2, 8);
let adminToken = "";
let operatorToken = "";

beforeAll(async () => {
  const admin = await createUser({ email: `notify-admin-${suffix}@example.com`, password: "long-enough-password", role: "admin" }, { label: "test" });
  const operator = await createUser({ email: `notify-op-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
  const actor = { id: admin.id, label: admin.email };
  adminToken = (await createApiToken(admin.id, { name: "adm", scope: "admin" }, actor)).token;
  operatorToken = (await createApiToken(operator.id, { name: "op", scope: "admin" }, actor)).token;
  for (let i = 0; i < 5; i++) {
    await prisma.notificationDelivery.create({
      data: {
        channel: `c${i}`,
        type: "webhook",
        recipient: "https://hooks.example/…",
        event: "draft.waiting",
        status: i === 0 ? "failed" : "sent",
        error: i === 0 ? "the channel answered HTTP 500" : null,
        createdAt: new Date(Date.UTC(2026, 11, 1, 0, i)),
      },
    });
  }
});

const get = (path: string, token: string) => listNotifications(new Request(`http://localhost:3000${path}`, { headers: { host: "localhost:3000", authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });

describe("GET /api/notifications", () => {
  it("pages the delivery log, newest first, for admins", async () => {
    const first = await get("/api/notifications?limit=3", adminToken);
    expect(first.status).toBe(200);
    const page1 = await first.json();
    expect(page1.items.map((d: { channel: string }) => d.channel)).toEqual(["c4", "c3", "c2"]);
    const page2 = await (await get(`/api/notifications?limit=3&cursor=${page1.nextCursor}`, adminToken)).json();
    expect(page2.items.map((d: { channel: string }) => d.channel)).toEqual(["c1", "c0"]);
    expect(page2.items[1]).toMatchObject({ status: "failed", error: "the channel answered HTTP 500", event: "draft.waiting" });
    expect(page2.nextCursor).toBeNull();
  });

  it("refuses an operator and a bad limit (no session: e2e/no-session.spec.ts)", async () => {
    expect((await get("/api/notifications", operatorToken)).status).toBe(403);
    expect((await get("/api/notifications?limit=5000", adminToken)).status).toBe(400);
  });
});

describe("channels kept in the database", () => {
  it("are sealed at rest and shown masked", async () => {
    const url = "https://hooks.slack.example/services/T0/B0/very-secret-part";
    await createStoredChannel({ name: "my-slack", type: "slack", ownerId: null, events: ["run.failed"], clients: null, url });
    const row = await prisma.notificationChannel.findFirstOrThrow({ where: { name: "my-slack" } });
    expect(row.configSealed).not.toContain("very-secret-part");
    expect((await listStoredChannels()).find((c) => c.id === row.id)?.url).toBe(url);
    const summary = (await listChannelSummaries()).channels.find((c) => c.name === `stored:${row.id}`);
    expect(summary).toMatchObject({ type: "slack", address: "https://hooks.slack.example/…", source: "settings" });
    expect(JSON.stringify(summary)).not.toContain("very-secret-part");
  });
});

describe("Settings → Notifications' data", () => {
  it("shows notifications.yaml's channels masked, with no secret, and its errors with their lines", async () => {
    process.env.NOTIFY_ROUTE_SECRET = "hmac-key-never-shown";
    fs.writeFileSync(
      path.join(workspaceDir(), "notifications.yaml"),
      `- { name: ops, type: webhook, url: "https://hooks.example/T0/secret-token-path", secret: "\${NOTIFY_ROUTE_SECRET}", events: [run.failed] }\n- { name: broken, type: ntfy, events: [run.failed] }\n`,
    );
    const { channels, errors } = await listChannelSummaries();
    const ops = channels.find((c) => c.name === "ops");
    expect(ops).toEqual({ name: "ops", type: "webhook", address: "https://hooks.example/…", signed: true, events: ["run.failed"], clients: null, source: "workspace" });
    expect(JSON.stringify({ channels, errors })).not.toMatch(/secret-token-path|hmac-key-never-shown/);
    expect(errors).toEqual([expect.stringMatching(/^notifications\.yaml:2 \[1\]\.url: /)]);
  });

  it("a test to a channel that does not exist is refused with a message, and logs nothing", async () => {
    const before = await prisma.notificationDelivery.count();
    await expect(sendTestToChannel("no-such-channel", "Ada")).rejects.toThrow('No channel named "no-such-channel"');
    expect(await prisma.notificationDelivery.count()).toBe(before);
  });
});
