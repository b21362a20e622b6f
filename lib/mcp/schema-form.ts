// A tool's input JSON Schema as a model of form fields: objects, arrays of scalars or objects (rows),
// enums, anyOf/oneOf (a variant picker), $ref to $defs/definitions, allOf, defaults, nullable types.
// Whatever a form cannot express (a recursive $ref, a free-form map, a tuple, an external $ref, a schema
// past the size budget) becomes a `json` field that carries its schema, to be edited as JSON. Pure data
// in, data out: the React form (components/tools/schema-form.tsx) and the tests use the same model.
// The values side (form state -> arguments) is lib/mcp/schema-form-values.ts.

/** A JSON Schema as a server sent it: only read, never trusted to be well formed. */
export type JsonSchema = Record<string, unknown>;

type FieldBase = {
  label: string;
  description?: string;
  required: boolean;
  default?: unknown;
};

export type FieldModel = FieldBase &
  (
    | { kind: "string"; format?: string; multiline: boolean }
    | { kind: "number"; integer: boolean; minimum?: number; maximum?: number }
    | { kind: "boolean" }
    | { kind: "enum"; options: { label: string; value: unknown }[] }
    | { kind: "const"; value: unknown }
    | { kind: "object"; fields: ObjectField[] }
    | { kind: "array"; item: FieldModel; minItems?: number; maxItems?: number }
    | { kind: "variants"; variants: { label: string; field: FieldModel }[] }
    | { kind: "json"; schema: unknown; reason: string }
  );

export type ObjectField = { key: string; field: FieldModel };

export type FormModel = {
  root: FieldModel;
  /** how many fields the form has, and how many of them are edited as JSON */
  fieldCount: number;
  jsonFieldCount: number;
};

// a schema that reuses one definition in many places would otherwise expand without bound
const MAX_FIELDS = 2_000;
const MAX_DEPTH = 16;
const MULTILINE_KEYS = /^(content|body|html|markdown|code|script|excerpt)$/i;

const isObject = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export function valueLabel(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

type Context = { key: string; required: boolean; parent?: JsonSchema };

class ModelBuilder {
  fieldCount = 0;
  jsonFieldCount = 0;

  constructor(private readonly rootSchema: unknown) {}

  /** `#/$defs/X`, `#/definitions/X` or any JSON pointer into the tool's own schema. */
  private lookup(ref: string): unknown {
    if (ref === "#") return this.rootSchema;
    if (!ref.startsWith("#/")) return undefined;
    let node: unknown = this.rootSchema;
    for (const raw of ref.slice(2).split("/")) {
      let part: string;
      try {
        part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      } catch {
        return undefined;
      }
      if (Array.isArray(node)) node = node[Number(part)];
      else if (isObject(node) && Object.hasOwn(node, part)) node = node[part];
      else return undefined;
    }
    return node;
  }

  private json(schema: unknown, ctx: Context, reason: string): FieldModel {
    this.jsonFieldCount += 1;
    const s = isObject(schema) ? schema : {};
    return { kind: "json", schema, reason, label: text(s.title) ?? ctx.key, description: text(s.description), required: ctx.required, default: s.default };
  }

  build(schema: unknown, ctx: Context, refs: readonly string[], depth: number): FieldModel {
    this.fieldCount += 1;
    if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) return this.json(schema, ctx, "any JSON value");
    if (!isObject(schema)) return this.json(schema, ctx, "not a schema the form understands");
    if (this.fieldCount > MAX_FIELDS || depth > MAX_DEPTH) return this.json(schema, ctx, "too large or deep for a form");

    if (typeof schema.$ref === "string") {
      const ref = schema.$ref;
      if (refs.includes(ref)) return this.json(schema, ctx, `refers to itself (${ref})`);
      const target = this.lookup(ref);
      if (!isObject(target) && target !== true) return this.json(schema, ctx, ref.startsWith("#") ? `${ref} not found` : `external $ref ${ref}`);
      // keywords beside $ref (a description, a default) describe this use of the definition
      const { $ref: _ref, ...beside } = schema;
      return this.build(isObject(target) ? { ...target, ...beside } : beside, ctx, [...refs, ref], depth + 1);
    }

    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      const merged = this.mergeAll(allOf as unknown[], rest, refs);
      if (!merged) return this.json(schema, ctx, "allOf the form cannot merge");
      return this.build(merged, ctx, refs, depth + 1);
    }

    const options = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
    if (options) return this.variants(schema, options as unknown[], ctx, refs, depth);

    const base: FieldBase = { label: text(schema.title) ?? ctx.key, description: text(schema.description), required: ctx.required, default: schema.default };
    if (Object.hasOwn(schema, "const")) return { ...base, kind: "const", value: schema.const };
    if (Array.isArray(schema.enum)) {
      if (schema.enum.length === 0) return this.json(schema, ctx, "an enum with no values");
      return { ...base, kind: "enum", options: schema.enum.map((v) => ({ label: valueLabel(v), value: v })) };
    }

    const types = (Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]).filter((t) => t !== "null");
    if (types.length > 1) {
      return this.variants(
        schema,
        types.map((t) => ({ ...schema, type: t })),
        ctx,
        refs,
        depth,
      );
    }
    const type = types[0] ?? (isObject(schema.properties) ? "object" : schema.items !== undefined ? "array" : undefined);
    switch (type) {
      case "string":
        return { ...base, kind: "string", format: text(schema.format), multiline: MULTILINE_KEYS.test(ctx.key) || (num(schema.maxLength) ?? 0) > 500 };
      case "number":
      case "integer":
        return { ...base, kind: "number", integer: type === "integer", minimum: num(schema.minimum), maximum: num(schema.maximum) };
      case "boolean":
        return { ...base, kind: "boolean" };
      case "object":
        return this.object(schema, base, ctx, refs, depth);
      case "array": {
        const items = schema.items;
        if (items === undefined || Array.isArray(items) || schema.prefixItems !== undefined) return this.json(schema, ctx, "a list of mixed values");
        const item = this.build(items, { key: "item", required: true }, refs, depth + 1);
        return { ...base, kind: "array", item, minItems: num(schema.minItems), maxItems: num(schema.maxItems) };
      }
      default:
        return this.json(schema, ctx, type === undefined ? "any JSON value" : `type "${String(type)}"`);
    }
  }

  private object(schema: JsonSchema, base: FieldBase, ctx: Context, refs: readonly string[], depth: number): FieldModel {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const keys = Object.keys(properties);
    const isRoot = depth === 0;
    // a map of any keys (additionalProperties as a schema, patternProperties) has no fixed fields to show;
    // at the root, an object with no properties is a tool that takes no arguments
    if (keys.length === 0 && !isRoot) return this.json(schema, ctx, "an object with free-form keys");
    if (keys.length === 0 && (isObject(schema.additionalProperties) || isObject(schema.patternProperties))) return this.json(schema, ctx, "an object with free-form keys");
    const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : [];
    const fields = keys.map((key) => ({ key, field: this.build(properties[key], { key, required: required.includes(key), parent: schema }, refs, depth + 1) }));
    return { ...base, kind: "object", fields };
  }

  private variants(schema: JsonSchema, options: unknown[], ctx: Context, refs: readonly string[], depth: number): FieldModel {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    const isNull = (o: unknown) => isObject(o) && (o.type === "null" || (Object.hasOwn(o, "const") && o.const === null));
    const kept = options.filter((o) => !isNull(o));
    if (kept.length === 0) return this.json(schema, ctx, "only null");
    // one real option beside null: a nullable field, described by the parent's words
    if (kept.length === 1) return this.build(isObject(kept[0]) ? { ...kept[0], ...rest } : kept[0], ctx, refs, depth + 1);
    const resolved = kept.map((o) => (isObject(o) && typeof o.$ref === "string" && !refs.includes(o.$ref) ? this.lookup(o.$ref) : o));
    // every option a fixed value: one select
    if (resolved.every((o) => isObject(o) && (Object.hasOwn(o, "const") || (Array.isArray(o.enum) && o.enum.every(isScalar))))) {
      const values = resolved.flatMap((o) => (Object.hasOwn(o as JsonSchema, "const") ? [(o as JsonSchema).const] : ((o as JsonSchema).enum as unknown[])));
      return this.build({ ...rest, enum: [...new Set(values)] }, ctx, refs, depth + 1);
    }
    const base: FieldBase = { label: text(schema.title) ?? ctx.key, description: text(schema.description), required: ctx.required, default: schema.default };
    const labels = new Set<string>();
    const variants = kept.map((option, i) => {
      let label = variantLabel(resolved[i], i);
      if (labels.has(label)) label = `${label} (${i + 1})`;
      labels.add(label);
      // the parent's keywords (a type shared by all options) apply to each option
      const { description: _d, title: _t, default: _f, ...shared } = rest;
      const merged = isObject(option) ? { ...shared, ...option } : option;
      return { label, field: this.build(merged, { key: ctx.key, required: ctx.required }, refs, depth + 1) };
    });
    return { ...base, kind: "variants", variants };
  }

  private mergeAll(parts: unknown[], rest: JsonSchema, refs: readonly string[]): JsonSchema | null {
    const merged: JsonSchema = { ...rest };
    const properties: JsonSchema = isObject(rest.properties) ? { ...rest.properties } : {};
    const required = new Set<string>(Array.isArray(rest.required) ? (rest.required as string[]) : []);
    for (let part of parts) {
      if (isObject(part) && typeof part.$ref === "string") {
        if (refs.includes(part.$ref)) return null;
        part = this.lookup(part.$ref);
      }
      if (!isObject(part) || part.anyOf || part.oneOf || part.allOf) return null;
      const { properties: p, required: r, ...other } = part;
      Object.assign(merged, other);
      if (isObject(p)) Object.assign(properties, p);
      if (Array.isArray(r)) for (const k of r) if (typeof k === "string") required.add(k);
    }
    if (Object.keys(properties).length) merged.properties = properties;
    if (required.size) merged.required = [...required];
    return merged;
  }
}

/** A name for one option of anyOf/oneOf: its title, the fixed value that tells it apart, or its type. */
function variantLabel(option: unknown, index: number): string {
  if (!isObject(option)) return `Option ${index + 1}`;
  if (text(option.title)) return option.title as string;
  if (isObject(option.properties)) {
    for (const [key, prop] of Object.entries(option.properties)) {
      if (isObject(prop) && Object.hasOwn(prop, "const")) return `${key}: ${valueLabel(prop.const)}`;
      if (isObject(prop) && Array.isArray(prop.enum) && prop.enum.length === 1) return `${key}: ${valueLabel(prop.enum[0])}`;
    }
  }
  const type = Array.isArray(option.type) ? option.type.join(" or ") : option.type;
  if (type === "array") {
    const items = isObject(option.items) ? option.items.type : undefined;
    return typeof items === "string" ? `list of ${items}s` : "list";
  }
  if (typeof type === "string") return type === "object" && isObject(option.properties) ? `object (${Object.keys(option.properties).slice(0, 3).join(", ")})` : type;
  if (typeof option.$ref === "string") return option.$ref.split("/").pop() ?? `Option ${index + 1}`;
  return `Option ${index + 1}`;
}

/** The form for a tool's arguments; its root is an object of fields, or a `json` field when the schema is not one. */
export function buildFormModel(schema: unknown): FormModel {
  const builder = new ModelBuilder(schema);
  const root = builder.build(schema ?? { type: "object" }, { key: "arguments", required: true }, [], 0);
  return { root, fieldCount: builder.fieldCount, jsonFieldCount: builder.jsonFieldCount };
}
