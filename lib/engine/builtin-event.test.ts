// A built-in call becomes one run event: codex's items read as calls, input and output redacted and capped
// so the event stays whole within the run event's size limit.
import { describe, expect, it } from "vitest";
import { builtinEventData } from "@/lib/engine/agent-step";
import { codexBuiltinEvent } from "@/lib/agents/codex-runner";
import { runEventRow } from "@/lib/engine/run-events";

describe("built-in call events", () => {
  it("reads codex's command_execution and file_change items (as codex 0.171 prints them) and leaves its other items alone", () => {
    expect(codexBuiltinEvent({ id: "item_1", type: "command_execution", command: "/bin/bash -lc 'echo hi; exit 3'", aggregated_output: "hi\n", exit_code: 3, status: "failed" })).toEqual({
      type: "builtin",
      name: "exec_command",
      input: { command: "/bin/bash -lc 'echo hi; exit 3'", exitCode: 3 },
      output: "hi\n",
      isError: true,
    });
    expect(
      codexBuiltinEvent({
        id: "item_2",
        type: "file_change",
        changes: [
          { path: "/w/clients/acme/a.md", kind: "add" },
          { path: "/w/clients/acme/b.md", kind: "update" },
        ],
        status: "completed",
      }),
    ).toEqual({
      type: "builtin",
      name: "file_change",
      input: {
        changes: [
          { path: "/w/clients/acme/a.md", kind: "add" },
          { path: "/w/clients/acme/b.md", kind: "update" },
        ],
      },
      isError: false,
    });
    expect(codexBuiltinEvent({ id: "item_3", type: "web_search", query: "otters" })).toMatchObject({ name: "web_search", input: { query: "otters" } });
    for (const type of ["agent_message", "reasoning", "mcp_tool_call", "todo_list", "error"]) expect(codexBuiltinEvent({ id: "x", type })).toBeNull();
  });

  it("redacts secrets from input and output and caps both so the event is never dropped for size", () => {
    const secret = "sk-secret-canary-4242";
    const data = builtinEventData({ type: "builtin", name: "Bash", input: { command: `curl -H 'x: ${secret}' ${"a".repeat(5_000)}`, api_key: "plain" }, output: `${secret}\n${"<b>".repeat(10_000)}`, isError: false }, [
      secret,
    ]);
    expect(JSON.stringify(data)).not.toContain(secret);
    expect(data.input.length).toBe(2_000);
    expect(data).toMatchObject({ inputTruncated: true, outputTruncated: true, outputChars: "[redacted]\n".length + 30_000, isError: false });
    expect(data.output?.startsWith("[redacted]\n")).toBe(true);
    // the stored row keeps the data itself, not a "too large" marker, even for binary output
    const binary = builtinEventData({ type: "builtin", name: "Read", input: { file_path: "data/switchboard.db" }, output: "\u0001\u0002".repeat(20_000) }, []);
    for (const d of [data, binary]) {
      const row = runEventRow("run", "builtin", d.name, { data: d });
      expect(JSON.parse(row.dataJson ?? "{}")).toMatchObject({ name: d.name, input: d.input, outputTruncated: true });
    }
    expect(binary.output?.length).toBeGreaterThan(1_000);
  });
});
