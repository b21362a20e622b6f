// /settings' view of the runners: what is usable and why not, a test call, and no key in any of it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAUDE_BIN, CODEX_BIN, isolatedHome } from "@/lib/testing/agent-clis";
import { displayEndpoint, listRunnerStatuses, testRunner } from "@/lib/agents/runner-status";
import { ModelStandin } from "@/lib/testing/model-standin";

const KEYS = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SWITCHBOARD_CLAUDE_BIN", "SWITCHBOARD_CODEX_BIN"];
let standin: ModelStandin;

beforeAll(async () => {
  standin = await ModelStandin.start();
  isolatedHome();
});

afterAll(async () => {
  await standin.close();
});

describe("runner status", { timeout: 120_000 }, () => {
  it("says what to set when nothing is set up", async () => {
    for (const k of KEYS) delete process.env[k];
    process.env.PATH = "/nonexistent";
    const statuses = await listRunnerStatuses();
    expect(statuses.map((s) => [s.runner, s.usable])).toEqual([
      ["claude-code", false],
      ["codex", false],
      ["anthropic", false],
      ["openai", false],
    ]);
    expect(statuses.find((s) => s.runner === "anthropic")?.hint).toMatch(/ANTHROPIC_API_KEY/);
    // no claude on PATH: the Agent SDK's own binary is found, and only the key is missing
    const claude = statuses.find((s) => s.runner === "claude-code");
    expect(claude?.hint).toMatch(/ANTHROPIC_API_KEY/);
    expect(claude?.detail).toMatch(/\d+\.\d+\.\d+/);
    expect(claude?.detail).toContain(`at ${CLAUDE_BIN} (from the Agent SDK's bundled binary)`);
  });

  it("with no claude on PATH and no SWITCHBOARD_CLAUDE_BIN, runs the Agent SDK's own Claude Code and says which and what version", async () => {
    delete process.env.SWITCHBOARD_CLAUDE_BIN;
    // a PATH with bubblewrap alone: the runner needs the box, and nothing else of the machine
    const onlyBwrap = fs.mkdtempSync(path.join(os.tmpdir(), "sb-path-"));
    fs.symlinkSync("/usr/bin/bwrap", path.join(onlyBwrap, "bwrap"));
    process.env.PATH = onlyBwrap;
    process.env.ANTHROPIC_API_KEY = "sk-ant-canary-status-1234";
    const claude = (await listRunnerStatuses()).find((s) => s.runner === "claude-code");
    expect(claude?.usable).toBe(true);
    expect(claude?.detail).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+.* at ${CLAUDE_BIN.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(from the Agent SDK's bundled binary\\); ANTHROPIC_API_KEY; in the bubblewrap sandbox$`));
    delete process.env.ANTHROPIC_API_KEY;
  });

  it("finds the CLIs with their versions, checks endpoints, tests a runner, and shows no key", async () => {
    process.env.PATH = "/usr/bin:/bin";
    process.env.ANTHROPIC_API_KEY = "sk-ant-canary-status-1234";
    process.env.ANTHROPIC_BASE_URL = standin.url;
    process.env.OPENAI_API_KEY = "sk-openai-canary-status-1234";
    process.env.OPENAI_BASE_URL = `${standin.url}/v1`;
    process.env.SWITCHBOARD_CLAUDE_BIN = CLAUDE_BIN;
    process.env.SWITCHBOARD_CODEX_BIN = CODEX_BIN;
    const statuses = await listRunnerStatuses();
    expect(statuses.every((s) => s.usable && s.endpointAnswers === true)).toBe(true);
    expect(statuses.find((s) => s.runner === "claude-code")?.detail).toMatch(/\d+\.\d+\.\d+/);
    expect(statuses.find((s) => s.runner === "codex")?.detail).toMatch(/codex-cli \d+\.\d+\.\d+/);
    expect(JSON.stringify(statuses)).not.toMatch(/canary-status/);

    standin.mode = "answer";
    const ok = await testRunner("openai");
    expect(ok).toMatchObject({ ok: true, message: expect.stringContaining("no tools needed") });
    // codex's test call has no tools, so no gateway it must wait for
    expect(await testRunner("codex")).toMatchObject({ ok: true, message: expect.stringContaining("no tools needed") });
    standin.mode = "api-error";
    const failed = await testRunner("anthropic");
    expect(failed).toMatchObject({ ok: false, message: "The Anthropic API failed (HTTP 400): stand-in: the model is not available" });
  });

  it("shows an endpoint without credentials or query", () => {
    expect(displayEndpoint("https://user:secret@llm.example/v1?key=abc")).toBe("https://llm.example/v1");
  });
});
