import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { formatPath, locateInDocument } from "@/lib/pipelines/yaml-locate";

const TEXT = `name: X
inputs:
  keyword:
    type: string
steps:
  - id: a
    tool: s/t
    args:
      message: hi
  - id: b
    approval:
empty:
`;

function locate(path: PropertyKey[], key?: string) {
  const lines = new LineCounter();
  const doc = parseDocument(TEXT, { lineCounter: lines });
  return locateInDocument(doc, lines, path, key).line;
}

describe("locateInDocument", () => {
  it("names the line of a scalar, a list item and a nested map's key", () => {
    expect(locate(["name"])).toBe(1);
    expect(locate(["steps", 1])).toBe(10);
    expect(locate(["steps", 0, "tool"])).toBe(7);
    expect(locate(["steps", 0, "args"])).toBe(8);
    expect(locate(["inputs", "keyword", "type"])).toBe(4);
  });

  it("names a key whose value is empty, and a key inside a map", () => {
    expect(locate(["empty"])).toBe(12);
    expect(locate(["steps", 1, "approval"])).toBe(11);
    expect(locate(["steps", 0], "tool")).toBe(7);
  });

  it("falls back to the deepest part of the path that exists", () => {
    expect(locate(["steps", 0, "args", "missing"])).toBe(8);
    expect(locate(["steps", 7, "id"])).toBe(5);
    expect(locate(["nowhere"])).toBe(1);
  });

  it("formats a path as the error names it", () => {
    expect(formatPath(["steps", 1, "tool"])).toBe("steps[1].tool");
  });
});
