// Drop-in configs: an `mcpServers` entry copied from Claude Desktop, Cursor or Cline loads as it is; the
// keys Switchboard does not use are named on the entry, and `"disabled": true` is honoured everywhere a
// server could start (listing with connect, an ad-hoc call, a pipeline step, an agent's gateway).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { callToolAdHoc } from "@/lib/engine/adhoc-calls";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { approveClientServer, loadClientServers, loadGlobalServers } from "@/lib/mcp/config";
import { callTool } from "@/lib/mcp/send-call";
import { getMcpPool } from "@/lib/mcp/pool";
import { listMcpServers } from "@/lib/mcp/servers";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { childPids, processTable } from "@/lib/testing/processes";

const suffix = Math.random().toString(36).slice(2, 8);
const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sb-disabled-")), "started");
// a server that leaves a file behind the moment it runs: its absence proves it never started
const markerServer = { command: "node", args: ["-e", `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); setInterval(() => {}, 1000)`] };
const off = `off${suffix}`;
let worker: Worker | null = null;

beforeAll(() => {
  writeMcpJson({
    // Claude Desktop: command, args, env only; Cline: disabled, autoApprove, timeout in seconds, type stdio
    claude: { command: "node", args: [EVERYTHING, "stdio"], env: {} },
    cline: { command: "node", args: [EVERYTHING, "stdio"], type: "stdio", disabled: false, autoApprove: ["echo"], alwaysAllow: [], timeout: 60 },
    cursor: { type: "streamable-http", url: "http://127.0.0.1:9/mcp", description: "a remote server", headers: {} },
    [off]: { ...markerServer, disabled: true, autoApprove: [], env: { TOKEN: "${SB_UNSET_DROP_IN_VAR}" } },
  });
});

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

describe("drop-in mcpServers entries", () => {
  it("load as they are, with the keys Switchboard ignores named on each entry", () => {
    const { entries, fileError } = loadGlobalServers();
    expect(fileError).toBeUndefined();
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(byName.claude).toMatchObject({ state: "ok", ignoredKeys: [] });
    // Cline's timeout is seconds (60 by default): not Switchboard's milliseconds, so ignored and the default applies
    expect(byName.cline).toMatchObject({ state: "ok", transport: "stdio", ignoredKeys: ["autoApprove", "alwaysAllow", "timeout"] });
    expect(byName.cline.resolved?.timeoutMs).toBeUndefined();
    expect(byName.cursor).toMatchObject({ state: "ok", transport: "http", ignoredKeys: ["description"] });
    // disabled: not expanded (its missing variable is no error), listed with what it would run
    expect(byName[off]).toMatchObject({ state: "disabled", transport: "stdio", ignoredKeys: ["autoApprove"] });
    expect(byName[off].resolved).toBeUndefined();
  });

  it("an unknown key is an error naming the file, the entry and the key; the other entries still load", () => {
    writeMcpJson({ good: { command: "node", args: [] }, typo: { command: "node", arg: ["x"] }, envfile: { command: "node", envFile: ".env" }, flag: { command: "node", disabled: "yes" } });
    try {
      const { entries } = loadGlobalServers();
      const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(byName.good.state).toBe("ok");
      expect(byName.typo.error).toMatch(/^mcp\.json mcpServers\.typo: unknown key "arg" \(Switchboard reads type, command, args, env, cwd, timeout, url, headers and ignores disabled, autoApprove/);
      expect(byName.envfile.error).toMatch(/^mcp\.json mcpServers\.envfile: unknown key "envFile"/);
      expect(byName.flag.error).toMatch(/^mcp\.json mcpServers\.flag disabled: expected true or false/);
    } finally {
      writeMcpJson({ [off]: { ...markerServer, disabled: true } });
    }
  });
});

describe("a disabled server", () => {
  it("is listed as disabled and never started, even when an admin asks to connect every server", async () => {
    writeMcpJson({ [off]: { ...markerServer, disabled: true } });
    const listed = (await listMcpServers(true, { role: "admin" })).servers.find((s) => s.name === off);
    expect(listed).toMatchObject({ status: "disabled", error: null, tools: [], toolCount: null });
    expect(listed?.summary).toBe("node -e");
    expect(getMcpPool().childPids()).toEqual([]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("is refused with a clear message by a direct call and an admin's ad-hoc call, which records nothing", async () => {
    await expect(callTool({ server: off, tool: "anything", arguments: {} })).rejects.toThrow(`The MCP server "${off}" is disabled in mcp.json`);
    const runsBefore = await prisma.run.count();
    const adHoc = callToolAdHoc({ server: off, tool: "anything", arguments: {} }, ACTOR);
    await expect(adHoc).rejects.toBeInstanceOf(SafeError);
    await expect(adHoc).rejects.toThrow(/is disabled in mcp\.json \("disabled": true\)/);
    expect(await prisma.run.count()).toBe(runsBefore);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("fails a pipeline run that names it before any step, saying it is disabled", async () => {
    writeMcpJson({ [off]: { ...markerServer, disabled: true }, everything: { command: "node", args: [EVERYTHING, "stdio"] } });
    writePipeline(`uses-off-${suffix}`, `name: Uses a disabled server\nsteps:\n  - id: first\n    tool: everything/echo\n    args: { message: "hi" }\n  - id: second\n    tool: ${off}/anything\n`);
    worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
    const runId = await queueRun({ pipelineSlug: `uses-off-${suffix}`, createdBy: ACTOR });
    await waitForRunStatus(runId, ["failed"], 60_000);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { error: true } });
    expect(run.error).toContain(`The MCP server "${off}" is disabled in mcp.json`);
    expect(await prisma.toolCall.count({ where: { runId } })).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    // no child of this process runs the disabled server's command
    const cmdlines = processTable({ pids: childPids(process.pid) }).map((p) => p.cmdline);
    expect(cmdlines.filter((c) => c.includes(marker))).toEqual([]);
  });

  it("in a client's .mcp.json is listed as disabled without an approval, and enabling it needs one", async () => {
    writeMcpJson({ [off]: { ...markerServer, disabled: true, alwaysAllow: ["x"] } }, "clients/acme/.mcp.json");
    let [entry] = (await loadClientServers("acme")).entries;
    expect(entry).toMatchObject({
      state: "disabled",
      ignoredKeys: ["alwaysAllow"],
      error: `The MCP server "${off}" is disabled in clients/acme/.mcp.json ("disabled": true): it is listed but never started. Remove the key or set it to false to use it`,
    });
    await approveClientServer({ slug: "acme", name: off, contentHash: entry.contentHash, allowedVars: [], approvedById: null });
    writeMcpJson({ [off]: { ...markerServer, disabled: false, alwaysAllow: ["x"] } }, "clients/acme/.mcp.json");
    [entry] = (await loadClientServers("acme")).entries;
    expect(entry.state).toBe("needs approval");
    await expect(callTool({ server: off, tool: "anything", arguments: {}, clientSlug: "acme" })).rejects.toThrow(/an admin must approve it|changed since an admin approved it/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
