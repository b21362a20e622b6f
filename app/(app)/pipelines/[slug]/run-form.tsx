"use client";
// The run form, generated from the pipeline's `inputs`; Run queues the run and opens its live page.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/field";
import type { PipelineInput } from "@/lib/pipelines/pipeline.schema";
import { inputsFromForm } from "@/lib/pipelines/run-inputs";
import type { PreflightProblem } from "@/lib/engine/tool-step-runner";
import { runPipelineAction } from "../actions";
import { preflightAction } from "./preflight-action";

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

type Check = { state: "checking" } | { state: "ok" } | { state: "missing"; problems: PreflightProblem[] } | { state: "error"; error: string };

/** The same check a run makes before its first step, shown before Run is clicked. */
function usePreflight(pipeline: string, client: string) {
  const [check, setCheck] = useState<Check>({ state: "checking" });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is the trigger of "check again"
  useEffect(() => {
    let current = true;
    setCheck({ state: "checking" });
    void preflightAction({ pipeline, client: client || null }).then((r) => {
      if (!current) return;
      if (!r.ok) setCheck({ state: "error", error: r.error });
      else setCheck(r.data.problems.length ? { state: "missing", problems: r.data.problems } : { state: "ok" });
    });
    return () => {
      current = false;
    };
  }, [pipeline, client, round]);
  return { check, again: () => setRound((n) => n + 1) };
}

function PreflightNotice({ check, again }: { check: Check; again: () => void }) {
  if (check.state === "checking")
    return (
      <p role="status" className="text-xs text-zinc-500">
        Checking the MCP servers and tools this pipeline needs…
      </p>
    );
  if (check.state === "ok")
    return (
      <p role="status" className="text-xs text-zinc-500">
        Every MCP server and tool this pipeline needs is ready.
      </p>
    );
  const again_ = (
    <button type="button" className="ml-1 underline" onClick={again}>
      Check again
    </button>
  );
  if (check.state === "error")
    return (
      <p role="status" className="text-xs text-amber-700 dark:text-amber-300">
        The pre-flight check could not run: {check.error}.{again_}
      </p>
    );
  return (
    <div role="alert" aria-label="Missing before this run can start" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      <p className="mb-1 font-medium">This run would fail: fix these first.{again_}</p>
      <ul className="list-disc space-y-1 pl-5">
        {check.problems.map((p) => (
          <li key={`${p.stepId}:${p.ref}`}>
            step <code className="font-mono text-xs">{p.stepId}</code> (<code className="font-mono text-xs">{p.ref}</code>): {p.problem}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RunForm({ pipeline, inputs, clients, needsClient }: Props) {
  const router = useRouter();
  const [client, setClient] = useState(clients.length === 1 ? clients[0].slug : "");
  const { check, again } = usePreflight(pipeline, client);
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
        <Select id="run-client" name="client" required={needsClient} value={client} onChange={(e) => setClient(e.target.value)}>
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
      <PreflightNotice check={check} again={again} />
      <FormError message={error} />
      <Button type="submit" disabled={busy || check.state === "missing"}>
        {busy ? "Queueing…" : "Run"}
      </Button>
    </form>
  );
}
