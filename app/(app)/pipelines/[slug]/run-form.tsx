"use client";
// The run form, generated from the pipeline's `inputs`; Run queues the run and opens its live page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/field";
import type { PipelineInput } from "@/lib/pipelines/pipeline.schema";
import { inputsFromForm } from "@/lib/pipelines/run-inputs";
import { runPipelineAction } from "../actions";

type Props = {
  pipeline: string;
  inputs: Record<string, PipelineInput>;
  clients: { slug: string; name: string }[];
  needsClient: boolean;
};

function InputControl({ name, input }: { name: string; input: PipelineInput }) {
  const id = `input-${name}`;
  const common = { id, name, required: input.required && input.default === undefined, placeholder: input.placeholder };
  switch (input.type) {
    case "text":
      return <Textarea {...common} rows={6} defaultValue={input.default === undefined ? "" : String(input.default)} className="font-sans" />;
    case "number":
      return <Input {...common} type="number" step="any" defaultValue={input.default === undefined ? "" : String(input.default)} />;
    case "boolean":
      return (
        <Select {...common} defaultValue={input.default === undefined ? "" : String(input.default)}>
          {!common.required && <option value="">—</option>}
          <option value="true">yes</option>
          <option value="false">no</option>
        </Select>
      );
    case "select":
      return (
        <Select {...common} defaultValue={input.default === undefined ? "" : String(input.default)}>
          {!common.required && <option value="">—</option>}
          {input.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label ?? o.value}
            </option>
          ))}
        </Select>
      );
    default:
      return <Input {...common} defaultValue={input.default === undefined ? "" : String(input.default)} />;
  }
}

export function RunForm({ pipeline, inputs, clients, needsClient }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  return (
    <form
      aria-label="Run pipeline"
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        setBusy(true);
        setError(null);
        const result = await runPipelineAction({ pipeline, client: String(data.get("client") ?? "") || null, inputs: inputsFromForm(inputs, data) });
        if (!result.ok) {
          setBusy(false);
          setError(result.error);
          return;
        }
        if (!result.data.id) {
          setBusy(false);
          setFieldErrors(result.data.fieldErrors ?? {});
          setError(result.data.fieldErrors?._ ?? "Check the inputs");
          return;
        }
        router.push(`/runs/${result.data.id}`);
      }}
    >
      <Field label="Client" htmlFor="run-client" hint={needsClient ? "This pipeline uses the client's folder or name." : "Optional."} error={fieldErrors.client}>
        <Select id="run-client" name="client" required={needsClient} defaultValue={clients.length === 1 ? clients[0].slug : ""}>
          <option value="">{needsClient ? "Choose a client" : "No client"}</option>
          {clients.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </Select>
      </Field>
      {Object.entries(inputs).map(([name, input]) => (
        <Field key={name} label={`${input.label ?? name}${input.required ? " *" : ""}`} htmlFor={`input-${name}`} hint={input.description} error={fieldErrors[name]}>
          <InputControl name={name} input={input} />
        </Field>
      ))}
      <FormError message={error} />
      <Button type="submit" disabled={busy}>
        {busy ? "Queueing…" : "Run"}
      </Button>
    </form>
  );
}
