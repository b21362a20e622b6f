"use client";
// The form for a tool's arguments, drawn from its field model (lib/mcp/schema-form.ts). It only edits
// values; turning them into the arguments object is lib/mcp/schema-form-values.ts.
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select, Textarea } from "@/components/ui/field";
import { valueLabel, type FieldModel } from "@/lib/mcp/schema-form";
import { initialFormValue, newRow, type FormValue, type VariantValue } from "@/lib/mcp/schema-form-values";
import { formatNumber } from "@/lib/format";

const SCHEMA_SHOWN_MAX = 6_000;

type FieldProps = { field: FieldModel; value: FormValue | undefined; onChange: (v: FormValue) => void; id: string; hideLabel?: boolean };

const TYPE_HINT: Record<FieldModel["kind"], string> = {
  string: "text",
  number: "number",
  boolean: "yes/no",
  enum: "choice",
  const: "fixed",
  object: "object",
  array: "list",
  variants: "one of",
  json: "JSON",
};

function typeHint(field: FieldModel): string {
  if (field.kind === "number" && field.integer) return "integer";
  if (field.kind === "string" && field.format) return field.format;
  return TYPE_HINT[field.kind];
}

function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, "_");
}

function Label({ field, htmlFor }: { field: FieldModel; htmlFor: string }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium">
      {field.label}
      {field.required && (
        <span className="text-red-700 dark:text-red-400" title="required">
          {" "}
          *
        </span>
      )}
      <span className="ml-1.5 font-mono text-xs font-normal text-zinc-500">{typeHint(field)}</span>
    </label>
  );
}

function Hint({ field, id }: { field: FieldModel; id: string }) {
  if (!field.description) return null;
  return (
    <p id={`${id}-hint`} className="text-xs whitespace-pre-line text-zinc-500">
      {field.description}
    </p>
  );
}

function Group({ legend, field, children }: { legend: string; field: FieldModel; children: ReactNode }) {
  return (
    <fieldset className="space-y-2 rounded border border-zinc-200 p-2 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">
        {legend}
        {field.required && (
          <span className="text-red-700 dark:text-red-400" title="required">
            {" "}
            *
          </span>
        )}
        <span className="ml-1.5 font-mono text-xs font-normal text-zinc-500">{typeHint(field)}</span>
      </legend>
      {field.description && <p className="text-xs whitespace-pre-line text-zinc-500">{field.description}</p>}
      {children}
    </fieldset>
  );
}

export function SchemaText({ schema }: { schema: unknown }) {
  const text = JSON.stringify(schema, null, 2) ?? String(schema);
  return (
    <pre aria-label="Schema" className="max-h-60 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-950">
      {text.length > SCHEMA_SHOWN_MAX ? `${text.slice(0, SCHEMA_SHOWN_MAX)}\n… (${formatNumber(text.length)} characters in all)` : text}
    </pre>
  );
}

function JsonField({ field, value, onChange, id }: FieldProps & { field: Extract<FieldModel, { kind: "json" }> }) {
  const raw = typeof value === "string" ? value : "";
  let invalid = false;
  if (raw.trim()) {
    try {
      JSON.parse(raw);
    } catch {
      invalid = true;
    }
  }
  return (
    <div className="space-y-1">
      <Textarea id={id} rows={4} placeholder="JSON" aria-describedby={field.description ? `${id}-hint` : undefined} value={raw} onChange={(e) => onChange(e.target.value)} />
      {invalid && <p className="text-xs text-amber-700 dark:text-amber-400">Not valid JSON yet</p>}
      <p className="text-xs text-zinc-500">Edited as JSON ({field.reason}); its schema:</p>
      <SchemaText schema={field.schema} />
    </div>
  );
}

function ArrayField({ field, value, onChange, id }: FieldProps & { field: Extract<FieldModel, { kind: "array" }> }) {
  const rows = Array.isArray(value) ? value : [];
  const canAdd = field.maxItems === undefined || rows.length < field.maxItems;
  return (
    <Group legend={field.label} field={field}>
      {rows.length === 0 && <p className="text-xs text-zinc-500">No rows.</p>}
      <ol className="space-y-2">
        {rows.map((row, i) => (
          <li key={i} className="flex items-start gap-2">
            <div className="min-w-0 flex-1">
              <FieldView field={{ ...field.item, label: `${field.label} ${i + 1}` }} value={row} id={`${id}-${i}`} onChange={(v) => onChange(rows.map((r, j) => (j === i ? v : r)))} />
            </div>
            <Button variant="ghost" size="sm" aria-label={`Remove ${field.label} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </li>
        ))}
      </ol>
      <Button variant="secondary" size="sm" disabled={!canAdd} onClick={() => onChange([...rows, newRow(field)])}>
        Add {field.label}
      </Button>
    </Group>
  );
}

function VariantsField({ field, value, onChange, id }: FieldProps & { field: Extract<FieldModel, { kind: "variants" }> }) {
  const current: VariantValue =
    value && typeof value === "object" && !Array.isArray(value) && typeof value.choice === "number" && Array.isArray(value.values)
      ? (value as VariantValue)
      : { choice: 0, values: field.variants.map((v) => initialFormValue(v.field, undefined)) };
  const chosen = field.variants[current.choice] ?? field.variants[0];
  return (
    <Group legend={field.label} field={field}>
      <Select id={`${id}-variant`} aria-label={`${field.label}: which kind`} value={String(current.choice)} onChange={(e) => onChange({ ...current, choice: Number(e.target.value) })}>
        {field.variants.map((v, i) => (
          <option key={i} value={i}>
            {v.label}
          </option>
        ))}
      </Select>
      <FieldView
        field={{ ...chosen.field, label: chosen.label, description: chosen.field.description === field.description ? undefined : chosen.field.description }}
        value={current.values[current.choice]}
        id={`${id}-v${current.choice}`}
        hideLabel={chosen.field.kind === "object"}
        onChange={(v) => onChange({ ...current, values: current.values.map((old, i) => (i === current.choice ? v : old)) })}
      />
    </Group>
  );
}

function ObjectFields({ field, value, onChange, id }: FieldProps & { field: Extract<FieldModel, { kind: "object" }> }) {
  const values = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, FormValue>) : {};
  return (
    <>
      {field.fields.map(({ key, field: child }) => (
        <FieldView key={key} field={child} value={values[key]} id={`${id}-${safeId(key)}`} onChange={(v) => onChange({ ...values, [key]: v })} />
      ))}
    </>
  );
}

function FieldView(props: FieldProps) {
  const { field, value, onChange, id, hideLabel } = props;
  const described = field.description ? `${id}-hint` : undefined;
  switch (field.kind) {
    case "object":
      return hideLabel ? (
        <ObjectFields {...props} field={field} />
      ) : (
        <Group legend={field.label} field={field}>
          <ObjectFields {...props} field={field} />
        </Group>
      );
    case "array":
      return <ArrayField {...props} field={field} />;
    case "variants":
      return <VariantsField {...props} field={field} />;
    default:
      break;
  }
  let control: ReactNode;
  switch (field.kind) {
    case "string": {
      const common = { id, "aria-describedby": described, value: typeof value === "string" ? value : "", placeholder: field.format ?? undefined };
      control = field.multiline ? <Textarea {...common} rows={5} className="font-sans" onChange={(e) => onChange(e.target.value)} /> : <Input {...common} onChange={(e) => onChange(e.target.value)} />;
      break;
    }
    case "number":
      control = (
        <Input
          id={id}
          type="number"
          inputMode={field.integer ? "numeric" : "decimal"}
          step={field.integer ? 1 : "any"}
          min={field.minimum}
          max={field.maximum}
          aria-describedby={described}
          value={typeof value === "string" || typeof value === "number" ? String(value) : ""}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "boolean":
      // an optional flag with no default has three states: not sent, true, false
      control =
        field.required || field.default !== undefined ? (
          <input id={id} type="checkbox" className="h-4 w-4" aria-describedby={described} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        ) : (
          <Select id={id} aria-describedby={described} value={value === true ? "true" : value === false ? "false" : ""} onChange={(e) => onChange(e.target.value === "" ? null : e.target.value === "true")}>
            <option value="">(not set)</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </Select>
        );
      break;
    case "enum":
      control = (
        <Select id={id} aria-describedby={described} value={typeof value === "number" ? String(value) : ""} onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}>
          <option value="">(not set)</option>
          {field.options.map((o, i) => (
            <option key={i} value={i}>
              {o.label}
            </option>
          ))}
        </Select>
      );
      break;
    case "const":
      control = (
        <p id={id} className="font-mono text-xs">
          {valueLabel(field.value)}
        </p>
      );
      break;
    case "json":
      control = <JsonField {...props} field={field} />;
      break;
  }
  return (
    <div className="space-y-1">
      {!hideLabel && <Label field={field} htmlFor={id} />}
      {control}
      <Hint field={field} id={id} />
    </div>
  );
}

/** The generated form: the root's fields, or one JSON box (with the schema) when the schema is not an object. */
export function SchemaForm({ root, value, onChange, idPrefix }: { root: FieldModel; value: FormValue; onChange: (v: FormValue) => void; idPrefix: string }) {
  const id = `arg-${safeId(idPrefix)}`;
  if (root.kind === "object" && root.fields.length === 0) return <p className="text-xs text-zinc-500">This tool takes no arguments.</p>;
  if (root.kind === "object")
    return (
      <div className="space-y-3">
        <ObjectFields field={root} value={value} onChange={onChange} id={id} />
      </div>
    );
  return <FieldView field={{ ...root, label: "Arguments" }} value={value} onChange={onChange} id={id} />;
}

/** Raw JSON for the arguments: for a schema the form draws badly, or to paste a call. */
export function RawArguments({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Textarea
        aria-label="Arguments as JSON"
        rows={8}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          try {
            const parsed: unknown = JSON.parse(e.target.value || "{}");
            setError(parsed && typeof parsed === "object" && !Array.isArray(parsed) ? null : "Arguments must be a JSON object");
          } catch {
            setError("Not valid JSON yet");
          }
        }}
      />
      {error && <p className="text-xs text-amber-700 dark:text-amber-400">{error}</p>}
    </>
  );
}
