import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SchemaForm } from "@/components/tools/schema-form";
import { buildFormModel } from "@/lib/mcp/schema-form";
import { initialFormValue } from "@/lib/mcp/schema-form-values";

const render = (schema: unknown) => {
  const { root } = buildFormModel(schema);
  return renderToStaticMarkup(createElement(SchemaForm, { root, value: initialFormValue(root), onChange: () => undefined, idPrefix: "srv-tool" }));
};

describe("SchemaForm", () => {
  it("draws required markers, hints, selects with defaults, rows with Add/Remove and a variant picker", () => {
    const html = render({
      type: "object",
      properties: {
        path: { type: "string", description: "File to edit" },
        mode: { type: "string", enum: ["fast", "slow"], default: "slow" },
        edits: { type: "array", items: { type: "object", properties: { oldText: { type: "string" } }, required: ["oldText"] }, default: [{ oldText: "a" }] },
        target: {
          anyOf: [
            { type: "string", title: "By URL" },
            { type: "object", title: "By query", properties: { q: { type: "string" } } },
          ],
        },
      },
      required: ["path"],
    });
    expect(html).toMatch(/<label for="arg-srv-tool-path"[^>]*>path<span[^>]*title="required"> \*<\/span>/);
    expect(html).toContain('aria-describedby="arg-srv-tool-path-hint"');
    expect(html).toContain(">File to edit</p>");
    expect(html).toMatch(/<option value="1" selected="">slow<\/option>/);
    // a default row is drawn with its value and a way to remove it; another can be added
    expect(html).toContain('value="a"');
    expect(html).toContain('aria-label="Remove edits 1"');
    expect(html).toContain(">Add edits</button>");
    expect(html).toContain('aria-label="target: which kind"');
    expect(html).toMatch(/<option value="0" selected="">By URL<\/option><option value="1">By query<\/option>/);
  });

  it("falls back to JSON with the schema shown, and says when a tool takes no arguments", () => {
    const html = render({ type: "object", properties: { headers: { type: "object", additionalProperties: { type: "string" } } } });
    expect(html).toContain("Edited as JSON (an object with free-form keys)");
    expect(html).toContain('aria-label="Schema"');
    expect(html).toContain("&quot;additionalProperties&quot;");
    expect(render({ type: "object", properties: {} })).toContain("This tool takes no arguments.");
    expect(render({ type: "array", items: [{ type: "string" }] })).toContain('aria-label="Schema"');
  });
});
