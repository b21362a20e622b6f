// What a server asks for, as Switchboard takes it: the requested schema is reduced to the MCP elicitation
// subset when the request arrives (a form's fields, nothing a hostile server could use to freeze the check
// of the answer or fill the database), refused when no form can take it, and its secrets can be redacted.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SchemaForm } from "@/components/tools/schema-form";
import { checkInputContent, elicitationAsk, inputRequiredAsk, redactAsk, reduceRequestedSchema, UnanswerableInputRequest } from "@/lib/mcp/input-requests";
import { buildFormModel } from "@/lib/mcp/schema-form";
import { initialFormValue } from "@/lib/mcp/schema-form-values";

/** server-everything's trigger-elicitation-request: every kind of field the spec defines. */
const EVERYTHING_SCHEMA = {
  type: "object",
  properties: {
    name: { title: "String", type: "string", description: "Your full, legal name" },
    check: { title: "Boolean", type: "boolean", description: "Agree to the terms and conditions" },
    firstLine: { title: "String with default", type: "string", description: "Favorite first line of a story", default: "It was a dark and stormy night." },
    email: { title: "String with email format", type: "string", format: "email", description: "Your email address" },
    homepage: { type: "string", format: "uri", title: "String with uri format", description: "Portfolio / personal website" },
    birthdate: { title: "String with date format", type: "string", format: "date", description: "Your date of birth" },
    integer: { title: "Integer", type: "integer", description: "Your favorite integer", minimum: 1, maximum: 100, default: 42 },
    number: { title: "Number in range 1-1000", type: "number", description: "Favorite number", minimum: 0, maximum: 1000, default: 3.14 },
    untitledSingleSelectEnum: { type: "string", title: "Untitled Single Select Enum", enum: ["Monica", "Rachel", "Joey"], default: "Monica" },
    untitledMultipleSelectEnum: { type: "array", title: "Untitled Multiple Select Enum", minItems: 1, maxItems: 3, items: { type: "string", enum: ["Guitar", "Piano", "Violin"] }, default: ["Guitar"] },
    titledSingleSelectEnum: {
      type: "string",
      title: "Titled Single Select Enum",
      oneOf: [
        { const: "hero-1", title: "Superman" },
        { const: "hero-2", title: "Green Lantern" },
      ],
      default: "hero-1",
    },
    titledMultipleSelectEnum: {
      type: "array",
      title: "Titled Multiple Select Enum",
      minItems: 1,
      maxItems: 3,
      items: {
        anyOf: [
          { const: "fish-1", title: "Tuna" },
          { const: "fish-2", title: "Salmon" },
        ],
      },
      default: ["fish-1"],
    },
    legacyTitledEnum: { type: "string", title: "Legacy Titled Single Select Enum", enum: ["pet-1", "pet-2"], enumNames: ["Cats", "Dogs"], default: "pet-1" },
  },
  required: ["name"],
};

const refused = (schema: unknown) => {
  try {
    reduceRequestedSchema(schema);
  } catch (error) {
    expect(error).toBeInstanceOf(UnanswerableInputRequest);
    return (error as Error).message;
  }
  throw new Error("the schema was taken");
};

describe("reduceRequestedSchema", () => {
  it("keeps every field kind of the elicitation spec as it came", () => {
    expect(reduceRequestedSchema(EVERYTHING_SCHEMA)).toEqual(EVERYTHING_SCHEMA);
    expect(reduceRequestedSchema(undefined)).toEqual({ type: "object", properties: {} });
  });

  it("drops what the spec does not define: pattern, $ref, $defs, other formats, unknown keys, required names of no field", () => {
    const reduced = reduceRequestedSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: { big: { type: "string", pattern: "^(a+)+$" } },
      additionalProperties: false,
      properties: {
        code: { type: "string", pattern: "^(a+)+$", minLength: 1, maxLength: -3, format: "regex", default: "aaa", examples: ["x"], $ref: "#/$defs/big" },
        n: { type: "integer", minimum: 0, maximum: "9", multipleOf: 3, default: Number.NaN },
        pick: { type: "string", enum: ["a", 1], oneOf: [{ const: "a", title: "A" }], not: {} },
      },
      required: ["code", "nope", 7],
    });
    expect(reduced).toEqual({
      type: "object",
      properties: {
        code: { type: "string", minLength: 1, default: "aaa" },
        n: { type: "integer", minimum: 0 },
        pick: { type: "string", oneOf: [{ const: "a", title: "A" }] },
      },
      required: ["code"],
    });
  });

  it("refuses a schema over 32 KB, with more than 50 fields, or with a field that is not a primitive", () => {
    expect(refused({ type: "object", properties: { a: { type: "string", description: "x".repeat(33_000) } } })).toMatch(/33 KB; Switchboard takes up to 32 KB/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { type: "string" }]));
    expect(refused({ type: "object", properties: many })).toMatch(/51 fields; .* up to 50/);
    expect(reduceRequestedSchema({ type: "object", properties: Object.fromEntries(Object.entries(many).slice(0, 50)) }).properties).toHaveProperty("f49");
    expect(refused({ type: "object", properties: { ok: { type: "string" }, secretName: { type: "object", properties: {} } } })).toBe(
      "Field 2 of the server's requested schema is not a string, number, integer, boolean or multi-select list, which is all a form can ask for",
    );
    expect(refused({ type: "object", properties: { list: { type: "array", items: { type: "object" } } } })).toMatch(/Field 1/);
    expect(refused({ type: "object", properties: { ref: { $ref: "#/$defs/x" } } })).toMatch(/Field 1/);
    expect(refused({ type: "array", items: { type: "string" } })).toMatch(/not an object of fields/);
    expect(refused("a string")).toMatch(/not an object/);
  });

  it("is applied where a request arrives: an old server's elicitation/create and an input_required result", () => {
    const params = { message: "Code?", requestedSchema: { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } }, $defs: {} } };
    expect(elicitationAsk(params).requestedSchema).toEqual({ type: "object", properties: { code: { type: "string" } } });
    const asked = inputRequiredAsk({ inputRequests: { code: { method: "elicitation/create", params } }, requestState: "s" });
    expect(asked.requestedSchema).toEqual({ type: "object", properties: { code: { type: "string" } } });
    expect(() => inputRequiredAsk({ inputRequests: { code: { method: "elicitation/create", params: { message: "?", requestedSchema: { type: "object", properties: { deep: { type: "object" } } } } } } })).toThrow(
      UnanswerableInputRequest,
    );
  });

  it("gives a schema the forms draw as before", () => {
    const render = (schema: unknown) => {
      const { root } = buildFormModel(schema);
      return renderToStaticMarkup(createElement(SchemaForm, { root, value: initialFormValue(root), onChange: () => undefined, idPrefix: "input" }));
    };
    const html = render(reduceRequestedSchema({ ...EVERYTHING_SCHEMA, $defs: { x: {} }, properties: { ...EVERYTHING_SCHEMA.properties, name: { ...EVERYTHING_SCHEMA.properties.name, pattern: "^.+$" } } }));
    expect(html).toBe(render(EVERYTHING_SCHEMA));
    for (const text of ["String with email format", "hero-2", "fish-2", "Violin", "pet-2", "It was a dark and stormy night.", "yes/no"]) expect(html).toContain(text);
  });
});

describe("checkInputContent", () => {
  it("does not run a server's pattern: a catastrophic one cannot freeze the process", () => {
    const schema = { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } }, required: ["code"] };
    // an answer the pattern would refuse (after backtracking that grows fourfold with every two more
    // characters) fits: the pattern was never compiled
    expect(checkInputContent(schema, { code: `${"a".repeat(16)}!` })).toBeNull();
    expect(checkInputContent(schema, {})).toContain("code");
  });

  it("checks what the reduced schema keeps, and says when a stored schema cannot be taken", () => {
    const schema = { type: "object", properties: { email: { type: "string", format: "email" }, n: { type: "integer", maximum: 3 } } };
    expect(checkInputContent(schema, { email: "ada@example.com", n: 3 })).toBeNull();
    expect(checkInputContent(schema, { email: "nope" })).toBe('email: must match format "email"');
    expect(checkInputContent(schema, { n: 4 })).toBe("n: must be <= 3");
    // the same schema again comes from the cache, with the same answers
    expect(checkInputContent({ ...schema }, { n: 4 })).toBe("n: must be <= 3");
    expect(checkInputContent({ type: "object", properties: { o: { type: "object" } } }, {})).toMatch(/^The requested schema cannot be checked: Field 1/);
  });
});

describe("redactAsk", () => {
  it("redacts the server's secrets in the message, the schema and inputRequests, never in key or requestState", () => {
    const secret = "sk-live-123456";
    const ask = {
      message: `Token ${secret}?`,
      requestedSchema: { type: "object", properties: { t: { type: "string", description: `not ${secret}`, default: secret, enum: [secret, "b"] } } },
      key: "k",
      inputRequests: { k: { method: "elicitation/create", params: { message: secret } } },
      requestState: `state-${secret}`,
    };
    const redacted = redactAsk(ask, [secret]);
    expect(JSON.stringify({ ...redacted, requestState: "" })).not.toContain(secret);
    expect(redacted.message).toBe("Token [redacted]?");
    expect(redacted.requestedSchema).toEqual({ type: "object", properties: { t: { type: "string", description: "not [redacted]", default: "[redacted]", enum: ["[redacted]", "b"] } } });
    expect([redacted.key, redacted.requestState]).toEqual(["k", `state-${secret}`]);
    expect(redactAsk(ask, [])).toBe(ask);
  });
});
