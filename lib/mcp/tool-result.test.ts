import { describe, expect, it } from "vitest";
import { isTextContent, toolCallReply, toolResultJson, toolResultText } from "@/lib/mcp/tool-result";

describe("tool result text and JSON", () => {
  it("joins text items and skips everything else", () => {
    const result = {
      content: [
        { type: "text", text: "one" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
        { type: "text", text: "two" },
        { type: "text", text: 3 },
      ],
    };
    expect(toolResultText(result)).toBe("one\ntwo");
    expect(toolResultText({})).toBe("");
    expect(toolResultText({ content: "not a list" })).toBe("");
  });

  it("prefers structured content, else parses text that is JSON, else null", () => {
    expect(toolResultJson({ content: [{ type: "text", text: '{"b":2}' }], structuredContent: { a: 1 } })).toEqual({ a: 1 });
    expect(toolResultJson({ content: [{ type: "text", text: ' {"b":2} ' }] })).toEqual({ b: 2 });
    expect(
      toolResultJson({
        content: [
          { type: "text", text: "[1," },
          { type: "text", text: "2]" },
        ],
      }),
    ).toEqual([1, 2]);
    expect(toolResultJson({ content: [{ type: "text", text: "42" }] })).toBe(42);
    expect(toolResultJson({ content: [{ type: "text", text: "plain words" }] })).toBeNull();
    expect(toolResultJson({ content: [{ type: "text", text: "3 apples" }] })).toBeNull();
    expect(toolResultJson({ content: [] })).toBeNull();
  });

  it("recognises text items only when their text is a string", () => {
    expect(isTextContent({ type: "text", text: "x" })).toBe(true);
    expect(isTextContent({ type: "text" })).toBe(false);
    expect(isTextContent(null)).toBe(false);
  });
});

describe("toolCallReply", () => {
  it("gives an ad-hoc caller the result as sent plus its text and JSON", () => {
    const reply = toolCallReply({ content: [{ type: "text", text: '{"n":1}' }], isError: false, durationMs: 4, runId: "r1", truncated: false });
    expect(reply).toEqual({ content: [{ type: "text", text: '{"n":1}' }], structuredContent: undefined, text: '{"n":1}', json: { n: 1 }, isError: false, error: null, durationMs: 4, runId: "r1", truncated: false });
  });
});
