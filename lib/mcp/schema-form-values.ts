// The values side of the schema form (lib/mcp/schema-form.ts): what a field holds while it is edited, its
// starting value (the schema's default), and the arguments object the form turns into. Empty optional
// fields are left out, so the server sees only what was filled in; the server-side check against the
// tool's schema (lib/mcp/send-call.ts) stays the judge of what is valid.
import type { FieldModel } from "@/lib/mcp/schema-form";

/**
 * A field's value while it is edited: text for strings, numbers (as typed) and JSON; a boolean or null
 * (not set); an option's index or null for enums; an object of values; a list of rows; for a variant
 * picker, the chosen option and each option's own values (switching back keeps what was typed).
 */
export type FormValue = string | number | boolean | null | FormValue[] | { [key: string]: FormValue };
export type VariantValue = { choice: number; values: FormValue[] };

export type ArgumentsResult = { ok: true; arguments: Record<string, unknown> } | { ok: false; errors: { path: string; message: string }[] };

const OMIT = Symbol("omit");

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function matches(field: FieldModel, value: unknown): boolean {
  switch (field.kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "enum":
      return field.options.some((o) => sameValue(o.value, value));
    case "const":
      return sameValue(field.value, value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value) && field.fields.every((f) => f.field.kind !== "const" || sameValue(f.field.value, (value as Record<string, unknown>)[f.key]));
    case "array":
      return Array.isArray(value);
    case "variants":
      return field.variants.some((v) => matches(v.field, value));
    case "json":
      return true;
  }
}

/** The value a field starts with: `given` (a parent's default) or its own default, else empty. */
export function initialFormValue(field: FieldModel, given: unknown = field.default): FormValue {
  switch (field.kind) {
    case "string":
      return typeof given === "string" ? given : typeof given === "number" || typeof given === "boolean" ? String(given) : "";
    case "number":
      return typeof given === "number" ? String(given) : "";
    // a required flag with no default starts unticked (false); an optional one starts "not set"
    case "boolean":
      return typeof given === "boolean" ? given : field.required ? false : null;
    case "enum": {
      const i = given === undefined ? -1 : field.options.findIndex((o) => sameValue(o.value, given));
      return i >= 0 ? i : null;
    }
    case "const":
      return null;
    case "object": {
      const obj = typeof given === "object" && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
      return Object.fromEntries(field.fields.map((f) => [f.key, initialFormValue(f.field, obj[f.key] ?? f.field.default)]));
    }
    case "array":
      return Array.isArray(given) ? given.map((g) => initialFormValue(field.item, g)) : [];
    case "variants": {
      const found = given === undefined ? -1 : field.variants.findIndex((v) => matches(v.field, given));
      const choice = Math.max(0, found);
      const value: VariantValue = { choice, values: field.variants.map((v, i) => initialFormValue(v.field, i === choice ? given : undefined)) };
      return value;
    }
    case "json":
      return given === undefined ? "" : JSON.stringify(given, null, 2);
  }
}

/** A new, empty row for an array field. */
export function newRow(field: Extract<FieldModel, { kind: "array" }>): FormValue {
  return initialFormValue(field.item, undefined);
}

function convert(field: FieldModel, value: FormValue | undefined, path: string, errors: { path: string; message: string }[]): unknown {
  switch (field.kind) {
    case "string":
      return typeof value === "string" && value !== "" ? value : OMIT;
    case "number": {
      if (typeof value === "number") return value;
      if (typeof value !== "string" || value.trim() === "") return OMIT;
      const n = Number(value);
      if (!Number.isFinite(n)) errors.push({ path, message: "is not a number" });
      else if (field.integer && !Number.isInteger(n)) errors.push({ path, message: "must be a whole number" });
      return n;
    }
    case "boolean":
      return typeof value === "boolean" ? value : OMIT;
    case "enum":
      return typeof value === "number" && field.options[value] ? field.options[value].value : OMIT;
    case "const":
      return field.required ? field.value : OMIT;
    case "object": {
      const values = value && typeof value === "object" && !Array.isArray(value) ? value : {};
      const out: Record<string, unknown> = {};
      let filled = 0;
      for (const { key, field: f } of field.fields) {
        const v = convert(f, values[key], path ? `${path}.${key}` : key, errors);
        if (v === OMIT) continue;
        out[key] = v;
        if (f.kind !== "const") filled += 1;
      }
      // an optional object nobody filled in is left out, even when it carries a fixed tag (a variant's "kind")
      return filled === 0 && !field.required ? OMIT : out;
    }
    case "array": {
      const rows = Array.isArray(value) ? value : [];
      const out = rows.map((row, i) => convert(field.item, row, `${path}[${i}]`, errors)).filter((v) => v !== OMIT);
      return out.length === 0 && !field.required ? OMIT : out;
    }
    case "variants": {
      const v = value as VariantValue | null | undefined;
      const choice = v && typeof v.choice === "number" && field.variants[v.choice] ? v.choice : 0;
      return convert(field.variants[choice].field, v?.values?.[choice], path, errors);
    }
    case "json": {
      if (typeof value !== "string" || value.trim() === "") return OMIT;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        errors.push({ path, message: "is not valid JSON" });
        return OMIT;
      }
    }
  }
}

/** The arguments object for a tool call from the form's values; errors name the field (`edits[0].oldText`). */
export function formArguments(root: FieldModel, value: FormValue): ArgumentsResult {
  const errors: { path: string; message: string }[] = [];
  const out = convert(root, value, "", errors);
  if (errors.length) return { ok: false, errors: errors.map((e) => ({ ...e, path: e.path || "arguments" })) };
  if (out === OMIT || out === undefined) return { ok: true, arguments: {} };
  if (typeof out !== "object" || out === null || Array.isArray(out)) return { ok: false, errors: [{ path: "arguments", message: "must be a JSON object" }] };
  return { ok: true, arguments: out as Record<string, unknown> };
}
