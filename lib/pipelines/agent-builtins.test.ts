// `builtin:` is checked against its runner's vocabulary when the pipeline loads, with an error that names
// the step, its line and what the runner offers.
import { describe, expect, it } from "vitest";
import { parsePipelineText } from "@/lib/pipelines/load-pipelines";
import { builtinProblem, codexBuiltinGroup } from "@/lib/pipelines/agent-builtins";

const pipeline = (runner: string, builtin: string) => `name: Built-ins
steps:
  - id: look
    tool: everything/echo
    args: { message: hi }
  - id: write
    agent:
      runner: ${runner}
      prompt: "Write it"
      builtin: ${builtin}
`;

describe("builtin per runner", () => {
  it("accepts each runner's own built-ins", () => {
    expect(parsePipelineText("b1", pipeline("claude-code", "[Read, Grep, Bash]")).errors).toEqual([]);
    expect(parsePipelineText("b2", pipeline("codex", "[shell, exec_command, web_search]")).errors).toEqual([]);
    expect(parsePipelineText("b3", pipeline("openai", "[]")).errors).toEqual([]);
    expect(codexBuiltinGroup("spawn_agent")).toBe("multi_agent");
  });

  it("refuses a built-in the runner does not have, naming the step and the line", () => {
    expect(parsePipelineText("b4", pipeline("codex", "[Read]")).errors).toEqual([
      'pipelines/b4.yaml:10 steps[1].agent.builtin: step "write": codex has no built-in "Read"; expected some of shell, web_search, multi_agent, view_image, request_user_input, goals',
    ]);
    expect(parsePipelineText("b5", pipeline("claude-code", "[shell, Read]")).errors[0]).toContain('step "write": claude-code has no built-in "shell"; expected some of Read, Grep');
    expect(parsePipelineText("b6", pipeline("anthropic", "[Read]")).errors[0]).toContain('step "write": the anthropic runner has no built-in tools; remove builtin');
    expect(builtinProblem("codex", [])).toBeNull();
  });
});
