// claude-code's built-ins: only those a step lists, held to the client's folder by Claude Code's own
// permission check (rules from claude-permissions.ts), each call in the transcript with its input and
// result; the folder's CLAUDE.md read without following a link. Real Claude Code against the stand-in.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAgentPipeline, suffix, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { CLAUDE_BIN } from "@/lib/testing/agent-clis";
import { prisma } from "@/lib/db/client";
import { clientFolder } from "@/lib/workspace/paths";
import { claudePermissions } from "@/lib/agents/claude-permissions";

const suite = useAgentSuite({
  cli: true,
  env: ({ standin }) => ({ ANTHROPIC_API_KEY: "sk-ant-test-canary-builtin-0000", ANTHROPIC_BASE_URL: standin, SWITCHBOARD_CLAUDE_BIN: CLAUDE_BIN }),
});

type BuiltinData = { name: string; input: string; output?: string; isError: boolean };

async function builtinEvents(runId: string): Promise<BuiltinData[]> {
  const rows = await prisma.runEvent.findMany({ where: { runId, type: "builtin" }, orderBy: { id: "asc" }, select: { dataJson: true } });
  return rows.map((r) => JSON.parse(r.dataJson ?? "{}") as BuiltinData);
}

describe("claude-code permission rules", () => {
  it("offers only the listed built-ins, scopes the file tools to the folder and denies every other built-in", () => {
    const none = claudePermissions([], ["mcp__switchboard__everything__echo"]);
    expect(none.tools).toEqual([]);
    expect(none.allowedTools).toEqual(["mcp__switchboard__everything__echo"]);
    expect(none.disallowedTools).toEqual(expect.arrayContaining(["Bash", "Read", "Write", "Edit", "Glob", "Grep", "WebFetch", "WebSearch", "Agent"]));

    const some = claudePermissions(["Read", "Grep", "Write", "Bash"], []);
    expect(some.tools).toEqual(["Read", "Grep", "Write", "Bash"]);
    expect(some.allowedTools).toEqual(["Read(./**)", "Grep(./**)", "Edit(./**)", "Write(./**)", "Bash"]);
    // Read and Edit stay undenied: their rules are what Grep's and Write's checks consult
    expect(some.disallowedTools).not.toEqual(expect.arrayContaining(["Read"]));
    expect(some.disallowedTools.filter((t) => ["Read", "Grep", "Write", "Bash", "Edit"].includes(t))).toEqual([]);
    expect(some.disallowedTools).toEqual(expect.arrayContaining(["Glob", "WebFetch", "NotebookEdit", "Agent"]));
  });
});

describe("claude-code built-ins, with the real CLI", { timeout: 240_000 }, () => {
  it("reads a file in the client's folder, is refused one outside it and an unlisted Bash, and records every call", async () => {
    const folder = clientFolder("acme");
    const inside = path.join(folder, `notes-${suffix()}.txt`);
    fs.writeFileSync(inside, "inside the folder: otters\n");
    const sibling = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-sibling-"));
    const outside = path.join(sibling, "secret.txt");
    fs.writeFileSync(outside, "OUTSIDE-CANARY-7731\n");
    suite.standin.mode = "builtin";
    suite.standin.builtinCalls = [
      { name: "Read", args: { file_path: inside } },
      { name: "Read", args: { file_path: outside } },
      { name: "Read", args: { file_path: "/etc/hostname" } },
      // a built-in the step does not list: not offered, refused, and the attempt is in the transcript
      { name: "Bash", args: { command: "cat /etc/hostname" } },
    ];
    const before = suite.standin.requestsTo("/v1/messages").length;
    const { id, run, draft } = await runAgentPipeline(writeAgentPipeline("claude-code", { extra: "      builtin: [Read]\n" }), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    const offered = (suite.standin.requestsTo("/v1/messages").slice(before)[0].body.tools as { name: string }[]).map((t) => t.name);
    expect(offered).toContain("Read");
    expect(offered.filter((n) => ["Bash", "Write", "Edit", "Glob", "Grep", "WebFetch"].includes(n))).toEqual([]);

    const calls = await builtinEvents(id);
    expect(calls.map((c) => [c.name, JSON.parse(c.input).file_path ?? JSON.parse(c.input).command, c.isError])).toEqual([
      ["Read", inside, false],
      ["Read", outside, true],
      ["Read", "/etc/hostname", true],
      ["Bash", "cat /etc/hostname", true],
    ]);
    expect(calls[0].output).toContain("inside the folder: otters");
    // refused by Claude Code's permission check, before anything was read
    for (const refused of calls.slice(1, 3)) expect(refused.output).toMatch(/permission|denied|not allowed/i);
    expect(calls[3].output).toMatch(/no such tool|not available|denied|permission/i);
    const answer = JSON.parse(draft?.outputJson ?? "{}").text as string;
    expect(answer).toContain("inside the folder: otters");
    expect(answer).not.toContain("OUTSIDE-CANARY-7731");
    expect(answer).not.toContain(fs.readFileSync("/etc/hostname", "utf8").trim() || "\u0000");
    fs.rmSync(sibling, { recursive: true, force: true });
  });

  it("greps and writes inside the client's folder and is refused both outside it", async () => {
    const folder = clientFolder("acme");
    const marker = `grep-marker-${suffix()}`;
    fs.writeFileSync(path.join(folder, `${marker}.txt`), `${marker} lives here\n`);
    const sibling = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-sibling-"));
    fs.writeFileSync(path.join(sibling, "other.txt"), `${marker} OUTSIDE-CANARY-9904\n`);
    const written = path.join(folder, `written-${suffix()}.txt`);
    const outsideWrite = path.join(sibling, "planted.txt");
    suite.standin.mode = "builtin";
    suite.standin.builtinCalls = [
      { name: "Grep", args: { pattern: marker, path: folder, output_mode: "content" } },
      { name: "Grep", args: { pattern: marker, path: sibling, output_mode: "content" } },
      { name: "Write", args: { file_path: written, content: "made by the agent\n" } },
      { name: "Write", args: { file_path: outsideWrite, content: "planted\n" } },
    ];
    const { id, run } = await runAgentPipeline(writeAgentPipeline("claude-code", { extra: "      builtin: [Grep, Write]\n" }), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    const calls = await builtinEvents(id);
    expect(calls.map((c) => [c.name, c.isError])).toEqual([
      ["Grep", false],
      ["Grep", true],
      ["Write", false],
      ["Write", true],
    ]);
    expect(calls[0].output).toContain(`${marker} lives here`);
    expect(JSON.stringify(calls)).not.toContain("OUTSIDE-CANARY-9904");
    expect(fs.readFileSync(written, "utf8")).toBe("made by the agent\n");
    expect(fs.existsSync(outsideWrite)).toBe(false);
    fs.rmSync(sibling, { recursive: true, force: true });
  });

  it("puts the folder's CLAUDE.md in the system prompt, but never one that is a symlink out of the folder", async () => {
    const folder = clientFolder("acme");
    const memory = path.join(folder, "CLAUDE.md");
    const marker = `REAL-MEMORY-${suffix()}`;
    fs.writeFileSync(memory, `# Acme\n${marker}\n`);
    suite.standin.mode = "answer";
    let before = suite.standin.requestsTo("/v1/messages").length;
    await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 120_000);
    const system = (from: number) =>
      JSON.stringify(
        suite.standin
          .requestsTo("/v1/messages")
          .slice(from)
          .map((r) => r.body.system),
      );
    expect(system(before)).toContain(marker);

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-elsewhere-"));
    fs.writeFileSync(path.join(elsewhere, "CLAUDE.md"), "SYMLINK-CANARY-5512\n");
    fs.rmSync(memory);
    fs.symlinkSync(path.join(elsewhere, "CLAUDE.md"), memory);
    before = suite.standin.requestsTo("/v1/messages").length;
    const { run } = await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 120_000);
    expect(run.status).toBe("succeeded");
    expect(suite.standin.requestsTo("/v1/messages").length).toBeGreaterThan(before);
    expect(JSON.stringify(suite.standin.requestsTo("/v1/messages").slice(before))).not.toContain("SYMLINK-CANARY-5512");
    fs.rmSync(memory);
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
});
