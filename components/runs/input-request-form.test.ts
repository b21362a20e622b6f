// The waiting-for-input form answers the very question it shows: its answer carries the request's id (a
// late answer to an earlier question gets 409, never lands on the next), and each question gets its own
// form, keyed by the request, so the step's next question starts blank (no typed values, no "done").
import type { ReactElement } from "react";
import { describe, expect, it } from "vitest";
import { type AnswerInputFn, answerPayload, InputRequestForm, type InputRequestProps } from "@/components/runs/input-request-form";

const question = (id: string): InputRequestProps => ({
  id,
  message: "What is your name?",
  schema: { type: "object", properties: { name: { type: "string" } } },
  kind: "input_required",
  origin: "tool",
  server: "modern",
  tool: "ask_name",
});
const answer: AnswerInputFn = async () => ({ ok: true });

describe("InputRequestForm", () => {
  it("sends the request's id with every answer", () => {
    expect(answerPayload("run-1", "ask", question("in-1"), "decline")).toEqual({ id: "run-1", requestId: "in-1", stepId: "ask", action: "decline" });
    expect(answerPayload("run-1", "ask", question("in-2"), "accept", { name: "Ada" })).toEqual({ id: "run-1", requestId: "in-2", stepId: "ask", action: "accept", content: { name: "Ada" } });
  });

  it("is a new form for each question of the step (keyed by the request)", () => {
    const form = (id: string) => InputRequestForm({ runId: "run-1", stepId: "ask", request: question(id), answer }) as ReactElement<{ request: InputRequestProps }>;
    expect(form("in-1").key).toBe("in-1");
    expect(form("in-2").key).toBe("in-2");
    expect(form("in-2").props.request.id).toBe("in-2");
  });
});
