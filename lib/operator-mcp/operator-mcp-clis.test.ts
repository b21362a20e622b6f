// The operator's own agent on Switchboard's MCP server: the real claude CLI (the Agent SDK's binary),
// connected with the exact line /settings shows for a new token, and a model stand-in that calls
// whats_waiting, then approve_draft with the id and version it read there. The draft is approved once
// and its run goes on.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { Worker } from "@/lib/engine/worker";
import { queueRun } from "@/lib/engine/queue-run";
import { mcpSetupLines } from "@/lib/operator-mcp/setup-lines";
import { CLAUDE_BIN, CODEX_BIN } from "@/lib/testing/agent-clis";
import { ACTOR, ensureClient, ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { ModelStandin, type StandinScript } from "@/lib/testing/model-standin";
import { startOperatorMcpServer, userWithToken } from "@/lib/testing/operator-mcp";

const runner = new ScriptedRunner();
let worker: Worker;
let server: Awaited<ReturnType<typeof startOperatorMcpServer>>;
let standin: ModelStandin;

/** The "model": whats_waiting first; then approve the first draft it listed, at the version listed; then say done. */
const approveWhatWaits: StandinScript = ({ tools, lastResult }) => {
  const named = (suffix: string) => tools.find((t) => t.name.replace(/[^A-Za-z0-9]/g, "_").endsWith(suffix));
  const board = named("whats_waiting");
  const approve = named("approve_draft");
  if (!board) return { kind: "text", text: "the Switchboard tools were not offered" };
  if (lastResult === null) return { kind: "tool", name: board.name, namespace: board.namespace, args: {} };
  if (!approve) return { kind: "text", text: "I may only read here." };
  if (lastResult.includes("Approved version") || /"status":\s*"approved"/.test(lastResult)) return { kind: "text", text: "Done: the draft is approved." };
  // the draft's id and version, as a model would read them from the result's JSON
  const id = /"kind":\s*"draft",\s*"id":\s*"([^"]+)",\s*"version":\s*(\d+)/.exec(lastResult.replace(/\\"/g, '"').replace(/\\n/g, "\n"));
  if (!id) return { kind: "text", text: `no draft in: ${lastResult.slice(0, 1500)}` };
  const draft = { id: id[1], version: Number(id[2]) };
  return { kind: "tool", name: approve.name, namespace: approve.namespace, args: { draft: draft.id, version: draft.version } };
};

function run(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitingDraft(slug: string) {
  writePipeline(
    slug,
    `name: ${slug}
steps:
  - id: review
    approval: { title: "Post ${slug}", body: "Body of ${slug}" }
  - id: publish
    tool: test/echo
    args: { message: "{{ steps.review.title }}" }
`,
  );
  const runId = await queueRun({ pipelineSlug: slug, clientSlug: "acme", createdBy: ACTOR });
  await waitForRunStatus(runId, ["waiting"]);
  return { runId, draftId: (await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } })).id };
}

beforeAll(async () => {
  process.env.SWITCHBOARD_URL = "http://127.0.0.1";
  resetEnvForTests();
  await ensureClient("acme");
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
  server = await startOperatorMcpServer();
  standin = await ModelStandin.start();
  standin.script = approveWhatWaits;
});

afterAll(async () => {
  await standin?.close();
  await server?.close();
  await worker?.stop({ graceMs: 1_000 });
});

function cliEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "test",
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...extra,
  };
}

// a real CLI on a shared, loaded machine can take far longer than the default 30 s
describe("the operator's own agent CLI on /api/mcp", { timeout: 240_000 }, () => {
  it("claude, added with the line /settings shows, calls whats_waiting then approve_draft: approved once, the run goes on", async () => {
    const { runId, draftId } = await waitingDraft("claude-approves");
    const { token, user } = await userWithToken("run");
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-home-"));
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-project-"));
    const env = cliEnv(home, { ANTHROPIC_BASE_URL: standin.url, ANTHROPIC_API_KEY: "sk-ant-test-0000" });
    // the exact command from /settings, split as a shell would
    const line = mcpSetupLines(server.url, token).claude;
    const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
    expect(words[0]).toBe("claude");
    const added = await run(CLAUDE_BIN, words.slice(1), { env, cwd: project });
    expect(added.code, added.stderr).toBe(0);

    const result = await run(
      CLAUDE_BIN,
      [
        "-p",
        "What waits for me in Switchboard? Approve the draft that waits.",
        "--output-format",
        "stream-json",
        "--verbose",
        "--tools",
        "",
        "--max-turns",
        "5",
        "--allowedTools",
        "mcp__switchboard__whats_waiting,mcp__switchboard__approve_draft",
      ],
      { env, cwd: project },
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const final = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; result?: string })
      .find((m) => m.type === "result");
    expect(final?.result).toBe("Done: the draft is approved.");

    const draft = await prisma.draft.findUniqueOrThrow({ where: { id: draftId }, select: { status: true, approvedVersion: true, decidedById: true } });
    expect(draft).toEqual({ status: "approved", approvedVersion: 1, decidedById: user.id });
    await waitForRunStatus(runId, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === runId && c.stepId === "publish")).toHaveLength(1);
    const calls = await prisma.auditLog.findMany({ where: { action: "mcp.call", actorId: user.id }, orderBy: { id: "asc" }, select: { targetId: true } });
    expect(calls.map((c) => c.targetId)).toEqual(["whats_waiting", "approve_draft"]);
  });

  it("claude with a project's .mcp.json entry (the token read from the environment) reaches the same tools", async () => {
    const { token, user } = await userWithToken("read");
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-home-"));
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-project-"));
    const config = path.join(project, ".mcp.json");
    fs.writeFileSync(config, mcpSetupLines(server.url, token).mcpJson);
    expect(fs.readFileSync(config, "utf8")).not.toContain(token);
    const env = cliEnv(home, { ANTHROPIC_BASE_URL: standin.url, ANTHROPIC_API_KEY: "sk-ant-test-0000", SWITCHBOARD_TOKEN: token });
    const result = await run(
      CLAUDE_BIN,
      [
        "-p",
        "What waits for me in Switchboard?",
        "--output-format",
        "stream-json",
        "--verbose",
        "--tools",
        "",
        "--max-turns",
        "3",
        "--mcp-config",
        config,
        "--strict-mcp-config",
        "--allowedTools",
        "mcp__switchboard__whats_waiting",
      ],
      { env, cwd: project },
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    // a read token: the approve tool is not even offered
    const offered = (standin.requestsTo("/v1/messages").at(-1)!.body.tools as { name: string }[]).map((t) => t.name);
    expect(offered).toContain("mcp__switchboard__whats_waiting");
    expect(offered).not.toContain("mcp__switchboard__approve_draft");
    const calls = await prisma.auditLog.findMany({ where: { action: "mcp.call", actorId: user.id }, select: { targetId: true } });
    expect(calls.map((c) => c.targetId)).toEqual(["whats_waiting"]);
  });

  it("codex, configured with the config.toml block /settings shows, does the same", async () => {
    const { runId, draftId } = await waitingDraft("codex-approves");
    const { token, user } = await userWithToken("run");
    const codexHome = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-codex-"));
    const lines = mcpSetupLines(server.url, token);
    fs.writeFileSync(path.join(codexHome, "config.toml"), `${lines.codexToml}\n`);
    const env = cliEnv(codexHome, { CODEX_HOME: codexHome, OPENAI_API_KEY: "sk-test-0000", SWITCHBOARD_TOKEN: token });
    const result = await run(
      process.execPath,
      [
        CODEX_BIN,
        "exec",
        "--json",
        "--skip-git-repo-check",
        "--ephemeral",
        "--sandbox",
        "read-only",
        "-m",
        "standin-model",
        "-c",
        "model_provider=standin",
        "-c",
        `model_providers.standin={name="standin",base_url="${standin.url}/v1",wire_api="responses",env_key="OPENAI_API_KEY"}`,
        // codex asks before a tool annotated destructive (approve_draft); exec has no one to ask, so this run pre-approves it
        "-c",
        'mcp_servers.switchboard.tools.approve_draft.approval_mode="approve"',
        "What waits for me in Switchboard? Approve the draft that waits.",
      ],
      { env, cwd: codexHome },
    );
    const events = result.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; item?: { type: string; tool?: string; status?: string; text?: string } });
    const toolCalls = events.filter((e) => e.type === "item.completed" && e.item?.type === "mcp_tool_call").map((e) => [e.item?.tool, e.item?.status]);
    expect(toolCalls, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-1500)}`).toEqual([
      ["whats_waiting", "completed"],
      ["approve_draft", "completed"],
    ]);
    const draft = await prisma.draft.findUniqueOrThrow({ where: { id: draftId }, select: { status: true, approvedVersion: true, decidedById: true } });
    expect(draft).toEqual({ status: "approved", approvedVersion: 1, decidedById: user.id });
    await waitForRunStatus(runId, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === runId && c.stepId === "publish")).toHaveLength(1);
  });
});
