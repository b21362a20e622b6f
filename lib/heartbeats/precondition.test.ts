// The `when:` precondition through the real MCP pool and the real filesystem server: an empty inbox
// records "nothing to do" and starts no run; a file in it starts the run; a tool that is not read-only
// is refused. The empty-result rule on its own: no content, blank text, [], {} or all-empty fields.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { writePipeline } from "@/lib/testing/engine";
import { ManualClock } from "@/lib/heartbeats/clock";
import { isEmptyResult } from "@/lib/heartbeats/precondition";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, scheduledPipeline, startScheduler, uniqueSlug } from "@/lib/testing/heartbeats";
import { getMcpPool } from "@/lib/mcp/pool";
import { FILESYSTEM, writeMcpJson } from "@/lib/testing/mcp-servers";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});
afterAll(async () => {
  await getMcpPool().shutdown();
});

describe("isEmptyResult", () => {
  it("treats no content, blank text, [], {} and objects of empty fields as empty, anything else as work", () => {
    const text = (t: string) => ({ content: [{ type: "text", text: t }] });
    expect(isEmptyResult({ content: [] })).toBe(true);
    expect(isEmptyResult(text("  \n"))).toBe(true);
    expect(isEmptyResult(text("[]"))).toBe(true);
    expect(isEmptyResult(text("{}"))).toBe(true);
    expect(isEmptyResult({ content: [{ type: "text", text: "" }], structuredContent: { content: "" } })).toBe(true);
    expect(isEmptyResult(text('{"entities":[],"relations":[]}'))).toBe(true);
    expect(isEmptyResult(text("[FILE] ticket-1.json"))).toBe(false);
    expect(isEmptyResult(text('[{"id":1}]'))).toBe(false);
    expect(isEmptyResult(text('{"count":0}'))).toBe(false);
    expect(isEmptyResult({ content: [{ type: "image", data: "x", mimeType: "image/png" }] })).toBe(false);
  });
});

describe("a schedule's when: precondition", () => {
  it("records an empty result as nothing to do (no run), starts the run when there is work, and refuses a tool that may write", { timeout: 120_000 }, async () => {
    const inbox = path.join(workspaceDir(), "inbox");
    fs.rmSync(inbox, { recursive: true, force: true });
    fs.mkdirSync(inbox, { recursive: true });
    writeMcpJson({ files: { command: process.execPath, args: [FILESYSTEM, inbox] } });
    const slug = uniqueSlug("replier");
    const writer = uniqueSlug("writer");
    writePipeline(slug, scheduledPipeline(`  cron: "0 * * * *"\n  when: { tool: files/list_directory, args: { path: ${JSON.stringify(inbox)} } }\n`));
    writePipeline(writer, scheduledPipeline(`  cron: "0 * * * *"\n  when: { tool: files/create_directory, args: { path: ${JSON.stringify(path.join(inbox, "made"))} } }\n`));
    const clock = new ManualClock(new Date("2026-06-08T09:30:00Z"));
    running.push(await startScheduler(clock));

    await runUntil(clock, running, Date.parse("2026-06-08T10:00:00Z"));
    const quiet = await eventsOf(slug, ["nothing", "run"]);
    expect(quiet.map((e) => e.kind)).toEqual(["nothing"]);
    expect(quiet[0].message).toMatch(/nothing to do: files\/list_directory/);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(0);

    const refused = await eventsOf(writer, ["fail", "run"]);
    expect(refused.map((e) => e.kind)).toEqual(["fail"]);
    expect(refused[0].message).toMatch(/not annotated read-only/);
    expect(fs.existsSync(path.join(inbox, "made"))).toBe(false);

    fs.writeFileSync(path.join(inbox, "ticket-1.json"), "{}");
    await runUntil(clock, running, Date.parse("2026-06-08T11:00:00Z"));
    expect((await eventsOf(slug, ["nothing", "run"])).map((e) => `${e.kind} ${e.dueAt?.toISOString()}`)).toEqual(["nothing 2026-06-08T10:00:00.000Z", "run 2026-06-08T11:00:00.000Z"]);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug, trigger: "schedule" } })).toBe(1);
  });
});
