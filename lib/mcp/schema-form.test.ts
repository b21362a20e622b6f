import { describe, expect, it } from "vitest";
import { buildFormModel, type FieldModel } from "@/lib/mcp/schema-form";
import { formArguments, initialFormValue, newRow, type FormValue, type VariantValue } from "@/lib/mcp/schema-form-values";

function fieldsOf(field: FieldModel) {
  if (field.kind !== "object") throw new Error(`expected an object, got ${field.kind}`);
  return Object.fromEntries(field.fields.map((f) => [f.key, f.field]));
}

describe("buildFormModel", () => {
  it("models scalars, enums, defaults, required markers, descriptions, nested objects and arrays", () => {
    const { root, jsonFieldCount } = buildFormModel({
      type: "object",
      properties: {
        title: { type: "string", description: "The post's title" },
        content: { type: "string" },
        count: { type: "integer", minimum: 1, maximum: 10, default: 3 },
        status: { type: "string", enum: ["draft", "publish"], default: "draft" },
        sticky: { type: "boolean" },
        author: { type: "object", properties: { name: { type: "string" }, id: { type: "number" } }, required: ["id"] },
        tags: { type: "array", items: { type: "string" } },
        edits: { type: "array", items: { type: "object", properties: { oldText: { type: "string" }, newText: { type: "string" } }, required: ["oldText", "newText"] } },
      },
      required: ["title", "edits"],
    });
    const f = fieldsOf(root);
    expect(f.title).toMatchObject({ kind: "string", required: true, description: "The post's title", multiline: false });
    expect(f.content).toMatchObject({ kind: "string", required: false, multiline: true });
    expect(f.count).toMatchObject({ kind: "number", integer: true, minimum: 1, maximum: 10, default: 3 });
    expect(f.status).toMatchObject({
      kind: "enum",
      options: [
        { label: "draft", value: "draft" },
        { label: "publish", value: "publish" },
      ],
    });
    expect(f.sticky.kind).toBe("boolean");
    expect(fieldsOf(f.author).id.required).toBe(true);
    expect(f.tags).toMatchObject({ kind: "array", item: { kind: "string" } });
    expect(f.edits.kind === "array" && fieldsOf(f.edits.item).oldText.required).toBe(true);
    expect(jsonFieldCount).toBe(0);
  });

  it("resolves $ref to $defs and definitions, and a recursive $ref becomes JSON instead of looping", () => {
    const { root, jsonFieldCount } = buildFormModel({
      type: "object",
      $defs: { Address: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      definitions: { Node: { type: "object", properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/definitions/Node" } } } } },
      properties: {
        home: { $ref: "#/$defs/Address", description: "Where they live" },
        tree: { $ref: "#/definitions/Node" },
        missing: { $ref: "#/$defs/Nope" },
      },
    });
    const f = fieldsOf(root);
    expect(f.home).toMatchObject({ kind: "object", description: "Where they live" });
    expect(fieldsOf(f.home).city).toMatchObject({ kind: "string", required: true });
    const children = fieldsOf(f.tree).children;
    expect(children.kind === "array" && children.item).toMatchObject({ kind: "json", reason: "refers to itself (#/definitions/Node)" });
    expect(f.missing).toMatchObject({ kind: "json", reason: "#/$defs/Nope not found" });
    expect(jsonFieldCount).toBe(2);
  });

  it("turns anyOf/oneOf into a variant picker, anyOf with null into a nullable field, constant options into a select", () => {
    const { root } = buildFormModel({
      type: "object",
      properties: {
        target: {
          description: "What to scrape",
          oneOf: [
            { type: "object", properties: { kind: { const: "url" }, url: { type: "string" } }, required: ["kind", "url"] },
            { type: "object", properties: { kind: { const: "search" }, query: { type: "string" } }, required: ["kind", "query"] },
          ],
        },
        color: { anyOf: [{ type: "string", enum: ["light", "dark"] }, { type: "null" }], description: "Scheme" },
        size: { anyOf: [{ const: "s" }, { const: "m" }, { enum: ["l"] }] },
        id: { type: ["string", "integer"] },
        sources: {
          type: "array",
          items: {
            anyOf: [
              { type: "string", enum: ["web", "news"] },
              { type: "object", properties: { type: { type: "string" } }, required: ["type"] },
            ],
          },
        },
      },
    });
    const f = fieldsOf(root);
    expect(f.target.kind === "variants" && f.target.variants.map((v) => v.label)).toEqual(["kind: url", "kind: search"]);
    expect(f.target.description).toBe("What to scrape");
    expect(f.color).toMatchObject({ kind: "enum", description: "Scheme", options: [{ value: "light" }, { value: "dark" }] });
    expect(f.size).toMatchObject({ kind: "enum", options: [{ value: "s" }, { value: "m" }, { value: "l" }] });
    expect(f.id.kind === "variants" && f.id.variants.map((v) => v.field.kind)).toEqual(["string", "number"]);
    expect(f.sources.kind === "array" && f.sources.item.kind).toBe("variants");
  });

  it("merges allOf, and falls back to JSON with the schema for free-form maps, tuples and a schema that is not an object", () => {
    const map = { type: "object", additionalProperties: { type: "string" } };
    const { root } = buildFormModel({
      type: "object",
      properties: {
        both: { allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "number" } } }] },
        headers: map,
        pair: { type: "array", items: [{ type: "string" }, { type: "number" }] },
        anything: {},
      },
    });
    const f = fieldsOf(root);
    expect(Object.keys(fieldsOf(f.both))).toEqual(["a", "b"]);
    expect(fieldsOf(f.both).a.required).toBe(true);
    expect(f.headers).toMatchObject({ kind: "json", schema: map });
    expect(f.pair.kind).toBe("json");
    expect(f.anything.kind).toBe("json");
    expect(buildFormModel({ type: "object" }).root).toMatchObject({ kind: "object", fields: [] });
    expect(buildFormModel("nonsense").root.kind).toBe("json");
  });

  it("stays bounded when one definition is reused everywhere", () => {
    // each level refers to the next twice: 2^30 fields if expanded naively
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) defs[`L${i}`] = { type: "object", properties: { left: { $ref: `#/$defs/L${i + 1}` }, right: { $ref: `#/$defs/L${i + 1}` } } };
    defs.L30 = { type: "string" };
    const model = buildFormModel({ $defs: defs, $ref: "#/$defs/L0" });
    expect(model.fieldCount).toBeLessThan(5_000);
    expect(model.jsonFieldCount).toBeGreaterThan(0);
  });
});

describe("formArguments", () => {
  const schema = {
    type: "object",
    properties: {
      title: { type: "string" },
      count: { type: "integer", default: 3 },
      status: { type: "string", enum: ["draft", "publish"] },
      sticky: { type: "boolean" },
      meta: { type: "object", properties: { note: { type: "string" } } },
      tags: { type: "array", items: { type: "string" } },
      edits: { type: "array", items: { type: "object", properties: { oldText: { type: "string" }, newText: { type: "string" } } } },
      target: {
        oneOf: [
          { type: "object", properties: { kind: { const: "url" }, url: { type: "string" } }, required: ["kind"] },
          { type: "object", properties: { kind: { const: "search" }, query: { type: "string" } }, required: ["kind"] },
        ],
      },
      extra: { type: "object", additionalProperties: true },
    },
    required: ["title", "edits"],
  };

  it("starts from the defaults, and leaves out every empty optional field", () => {
    const { root } = buildFormModel(schema);
    const value = initialFormValue(root);
    expect(formArguments(root, value)).toEqual({ ok: true, arguments: { count: 3, edits: [] } });
  });

  it("turns filled fields, rows and the chosen variant into the arguments object", () => {
    const { root } = buildFormModel(schema);
    if (root.kind !== "object") throw new Error("object expected");
    const value = initialFormValue(root) as Record<string, FormValue>;
    const edits = root.fields.find((f) => f.key === "edits")?.field;
    if (edits?.kind !== "array") throw new Error("array expected");
    const row = newRow(edits) as Record<string, FormValue>;
    const target = value.target as VariantValue;
    const filled: Record<string, FormValue> = {
      ...value,
      title: "Hello",
      count: "7",
      status: 1,
      sticky: true,
      meta: { note: "" },
      tags: ["a", "", "b"],
      edits: [{ ...row, oldText: "x", newText: "y" }],
      target: { choice: 1, values: target.values.map((v, i) => (i === 1 ? { ...(v as Record<string, FormValue>), query: "seo" } : v)) },
      extra: '{ "any": [1, 2] }',
    };
    expect(formArguments(root, filled)).toEqual({
      ok: true,
      arguments: { title: "Hello", count: 7, status: "publish", sticky: true, tags: ["a", "b"], edits: [{ oldText: "x", newText: "y" }], target: { kind: "search", query: "seo" }, extra: { any: [1, 2] } },
    });
  });

  it("names the field of a number or JSON that does not parse", () => {
    const { root } = buildFormModel(schema);
    const value = { ...(initialFormValue(root) as Record<string, FormValue>), count: "2.5", extra: "{ nope" };
    expect(formArguments(root, value)).toEqual({
      ok: false,
      errors: [
        { path: "count", message: "must be a whole number" },
        { path: "extra", message: "is not valid JSON" },
      ],
    });
  });

  it("a default that matches the second variant selects it", () => {
    const { root } = buildFormModel({ type: "object", properties: { id: { type: ["string", "number"], default: 5 } } });
    expect(formArguments(root, initialFormValue(root))).toEqual({ ok: true, arguments: { id: 5 } });
  });
});
