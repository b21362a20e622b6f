"use client";
// A form generated from a tool's JSON input schema: strings, numbers, booleans, enums, arrays, nested
// objects; anything else (or everything, on request) as raw JSON. Produces the arguments object.
import { useState } from "react";
import { Input, Select, Textarea } from "@/components/ui/field";

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  title?: string;
};

type Value = unknown;

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return "enum";
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== "null") : schema.type;
  if (t === "object" && !schema.properties) return "json";
  return t ?? (schema.properties ? "object" : "json");
}

export function initialValue(schema: JsonSchema): Value {
  if (schema.default !== undefined) return schema.default;
  switch (typeOf(schema)) {
    case "object": return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, initialValue(s)]));
    case "array": return [];
    case "boolean": return false;
    default: return undefined;
  }
}

/** Drops empty optional fields so the server sees only what was filled in. */
export function prune(value: Value): Value {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined && p !== "") out[k] = p;
    }
    return out;
  }
  return value;
}

function FieldFor({ name, schema, value, onChange, path }: { name: string; schema: JsonSchema; value: Value; onChange: (v: Value) => void; path: string }) {
  const id = `arg-${path}`;
  const kind = typeOf(schema);
  const [rawError, setRawError] = useState<string | null>(null);
  const [raw, setRaw] = useState(() => (value === undefined ? "" : JSON.stringify(value, null, 2)));
  if (kind === "object") {
    return (
      <fieldset className="space-y-2 rounded border border-zinc-200 p-2 dark:border-zinc-800">
        <legend className="px-1 text-xs font-medium">{name}</legend>
        {Object.entries(schema.properties ?? {}).map(([k, s]) => (
          <FieldRow key={k} name={k} schema={s} required={schema.required?.includes(k) ?? false} path={`${path}.${k}`}
            value={(value as Record<string, unknown> | undefined)?.[k]} onChange={(v) => onChange({ ...((value as Record<string, unknown>) ?? {}), [k]: v })} />
        ))}
      </fieldset>
    );
  }
  switch (kind) {
    case "enum":
      return (
        <Select id={id} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(schema.enum?.find((x) => String(x) === e.target.value))}>
          <option value="">—</option>
          {schema.enum?.map((x) => <option key={String(x)} value={String(x)}>{String(x)}</option>)}
        </Select>
      );
    case "boolean":
      return <input id={id} type="checkbox" className="h-4 w-4" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case "number":
    case "integer":
      return <Input id={id} type="number" step={kind === "integer" ? 1 : "any"} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />;
    case "string":
      return <Input id={id} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value)} />;
    case "array":
      if (schema.items && ["string", "number", "integer"].includes(typeOf(schema.items))) {
        return (
          <Textarea id={id} rows={3} className="font-sans" placeholder="one per line" value={Array.isArray(value) ? value.join("\n") : ""}
            onChange={(e) => onChange(e.target.value.split("\n").filter((l) => l !== "").map((l) => (typeOf(schema.items ?? {}) === "string" ? l : Number(l))))} />
        );
      }
      break;
  }
  return (
    <>
      <Textarea id={id} rows={4} placeholder="JSON" value={raw} onChange={(e) => {
        setRaw(e.target.value);
        try {
          onChange(e.target.value.trim() === "" ? undefined : JSON.parse(e.target.value));
          setRawError(null);
        } catch {
          setRawError("Not valid JSON yet");
        }
      }} />
      {rawError && <p className="text-xs text-amber-700">{rawError}</p>}
    </>
  );
}

function FieldRow({ name, schema, required, value, onChange, path }: { name: string; schema: JsonSchema; required: boolean; value: Value; onChange: (v: Value) => void; path: string }) {
  return (
    <div className="space-y-1">
      {typeOf(schema) !== "object" && (
        <label htmlFor={`arg-${path}`} className="block text-sm font-medium">
          {schema.title ?? name}{required ? " *" : ""} <span className="font-mono text-xs font-normal text-zinc-500">{typeOf(schema)}</span>
        </label>
      )}
      <FieldFor name={name} schema={schema} value={value} onChange={onChange} path={path} />
      {schema.description && <p className="text-xs text-zinc-500">{schema.description}</p>}
    </div>
  );
}

/** The generated form for a tool's arguments, with a switch to edit them as raw JSON. */
export function SchemaForm({ schema, value, onChange, idPrefix }: { schema: JsonSchema; value: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; idPrefix: string }) {
  const [rawMode, setRawMode] = useState(false);
  const [raw, setRaw] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      <label className="flex items-center gap-2 text-xs text-zinc-500">
        <input type="checkbox" checked={rawMode} onChange={(e) => { setRawMode(e.target.checked); setRaw(JSON.stringify(prune(value) ?? {}, null, 2)); }} />
        Edit as raw JSON
      </label>
      {rawMode ? (
        <>
          <Textarea aria-label="Arguments as JSON" rows={8} value={raw} onChange={(e) => {
            setRaw(e.target.value);
            try {
              const parsed: unknown = JSON.parse(e.target.value || "{}");
              if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
              onChange(parsed as Record<string, unknown>);
              setError(null);
            } catch {
              setError("Arguments must be a JSON object");
            }
          }} />
          {error && <p className="text-xs text-amber-700">{error}</p>}
        </>
      ) : (
        Object.entries(schema.properties ?? {}).map(([k, s]) => (
          <FieldRow key={k} name={k} schema={s} required={schema.required?.includes(k) ?? false} path={`${idPrefix}-${k}`} value={value[k]} onChange={(v) => onChange({ ...value, [k]: v })} />
        ))
      )}
      {!rawMode && Object.keys(schema.properties ?? {}).length === 0 && <p className="text-xs text-zinc-500">This tool takes no arguments.</p>}
    </div>
  );
}
