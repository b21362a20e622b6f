// codex's own tools: off unless a step lists them in `builtin:`, measured on the tools list of the request
// the real Codex CLI sends to the model stand-in; and each built-in call it makes is in the transcript,
// with its input and its output capped and redacted.
// first: codex's command sandbox needs its CODEX_HOME (in the data folder) outside the temporary folder
import "@/lib/testing/data-outside-tmp";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAgentPipeline, suffix, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { CODEX_BIN } from "@/lib/testing/agent-clis";
import { prisma } from "@/lib/db/client";
import { clientFolder } from "@/lib/workspace/paths";
import { codexBuiltinArgs } from "@/lib/agents/codex-runner";

const CANARY = "sk-openai-test-canary-builtin-0000";
// codex 0.171 adds these whenever an MCP server is configured (its add_mcp_resource_tools), with no config
// to switch them off; they reach only the configured servers, here the gateway alone, which has no resources
const ALWAYS = ["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"];
const GATEWAY = "mcp__switchboard{everything__echo}";
const suite = useAgentSuite({
  cli: true,
  httpGateway: true,
  env: ({ standin, gateway }) => ({
    OPENAI_API_KEY: CANARY,
    OPENAI_BASE_URL: `${standin}/v1`,
    SWITCHBOARD_CODEX_BIN: CODEX_BIN,
    SWITCHBOARD_GATEWAY_URL: gateway ?? "",
  }),
});

/** The tools of the first request codex sent since `before`: functions by name, namespaces as `name{inner,...}`. */
function offeredSince(before: number): string[] {
  const request = suite.standin.requestsTo("/v1/responses").slice(before)[0];
  return ((request?.body.tools as Record<string, unknown>[] | undefined) ?? []).map((t) =>
    t.type === "namespace" ? `${String(t.name)}{${(t.tools as { name: string }[]).map((x) => x.name).join(",")}}` : String(t.name ?? t.type),
  );
}

describe("codex built-ins", { timeout: 240_000 }, () => {
  it("turns every built-in off by config unless the step lists it", () => {
    expect(codexBuiltinArgs([])).toEqual([
      "-c",
      "features.shell_tool=false",
      "-c",
      'web_search="disabled"',
      "-c",
      "features.multi_agent=false",
      "-c",
      "features.view_image=false",
      "-c",
      "tools.experimental_request_user_input.enabled=false",
      "-c",
      "features.goals=false",
    ]);
    // a group by its name or by one of its tools' names
    expect(codexBuiltinArgs(["shell"])).not.toContain("features.shell_tool=false");
    expect(codexBuiltinArgs(["exec_command", "web_search"])).toEqual(codexBuiltinArgs(["shell", "web_search"]));
  });

  it("offers the model only the gateway's tools when the step lists no built-in", async () => {
    const before = suite.standin.requestsTo("/v1/responses").length;
    const { run } = await runAgentPipeline(writeAgentPipeline("codex"), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(offeredSince(before).sort()).toEqual([...ALWAYS, GATEWAY].sort());
  });

  it("offers the shell when the step lists it, and records each command with its exit code and its output redacted", async () => {
    const folder = clientFolder("acme");
    const name = `notes-${suffix()}.txt`;
    fs.writeFileSync(path.join(folder, name), `line one\nthe key is ${CANARY}\n`);
    suite.standin.mode = "builtin";
    suite.standin.builtinCalls = [
      { name: "exec_command", args: { cmd: `cat ${name}` } },
      { name: "exec_command", args: { cmd: "exit 3" } },
    ];
    const before = suite.standin.requestsTo("/v1/responses").length;
    const { id, run, draft } = await runAgentPipeline(writeAgentPipeline("codex", { extra: "      builtin: [shell]\n" }), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    const offered = offeredSince(before);
    expect(offered).toContain("exec_command");
    expect(offered).toContain("write_stdin");
    expect(offered.sort()).toEqual([...ALWAYS, GATEWAY, "exec_command", "write_stdin"].sort());

    const events = await prisma.runEvent.findMany({ where: { runId: id, runStepId: draft?.id, type: "builtin" }, orderBy: { id: "asc" }, select: { message: true, dataJson: true } });
    const data = events.map((e) => JSON.parse(e.dataJson ?? "{}") as { name: string; input: string; output?: string; isError: boolean });
    expect(data.map((d) => [d.name, JSON.parse(d.input).exitCode, d.isError])).toEqual([
      ["exec_command", 0, false],
      ["exec_command", 3, true],
    ]);
    expect(data[0].input).toContain(`cat ${name}`);
    expect(data[0].output).toContain("line one");
    expect(data[0].output).toContain("the key is [redacted]");
    expect(JSON.stringify(events)).not.toContain(CANARY);
    // built-in calls are never gateway calls (those are ToolCall rows)
    expect(await prisma.toolCall.count({ where: { runStepId: draft?.id } })).toBe(0);
  });
});
