import { describe, expect, it } from "vitest";
import { pipelineRunsForClient } from "@/lib/pipelines/check-pipeline";
import { parsePipelineText, pipelineSummary } from "@/lib/pipelines/load-pipelines";

const entry = parsePipelineText(
  "mixed",
  `name: Mixed
clients: [acme]
inputs:
  topic: { type: string, required: true }
steps:
  - id: look
    tool: everything/echo
    args: { message: "{{ inputs.topic }}" }
  - id: write
    agent: { runner: anthropic, prompt: "Write about {{ steps.look.text }}" }
  - id: review
    approval: { title: t, body: "{{ steps.write.text }}" }
`,
);

describe("pipelines as the API and pages see them", () => {
  it("lists each step with its kind", () => {
    const summary = pipelineSummary(entry);
    expect(summary.valid).toBe(true);
    expect(summary.steps).toEqual([
      { id: "look", kind: "tool", tool: "everything/echo" },
      { id: "write", kind: "agent", tool: null },
      { id: "review", kind: "approval", tool: null },
    ]);
    expect(Object.keys(summary.inputs)).toEqual(["topic"]);
  });

  it("runs only for the clients it names, or for any client when it names none", () => {
    expect(pipelineRunsForClient(entry.definition!, "acme")).toBe(true);
    expect(pipelineRunsForClient(entry.definition!, "globex")).toBe(false);
    expect(pipelineRunsForClient({ clients: undefined }, "globex")).toBe(true);
  });
});
