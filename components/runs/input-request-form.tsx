"use client";
// The question a step's tool asked a person (the step waits for input), and the form drawn from the
// schema it requested: the same field model and form as /tools (lib/mcp/schema-form.ts,
// components/tools/schema-form.tsx). Answer, decline or cancel; the answer is taken once (a second
// answer, from another tab or person, gets "already answered"). The form answers the question it shows
// (its request id), never a newer one, and a new question gets a new form (typed values and "done" reset).
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { SchemaForm } from "@/components/tools/schema-form";
import { buildFormModel } from "@/lib/mcp/schema-form";
import { formArguments, initialFormValue, type FormValue } from "@/lib/mcp/schema-form-values";

/** `id`: the request's (StepInputRequest) id, sent with the answer. */
export type InputRequestProps = { id: string; message: string; schema: unknown; kind: string; origin: string; server: string | null; tool: string | null };

type AnswerResult = { ok: true } | { ok: false; error: string };

type InputAction = "accept" | "decline" | "cancel";

export type AnswerInputFn = (input: { id: string; requestId: string; stepId: string; action: InputAction; content?: Record<string, unknown> }) => Promise<AnswerResult>;

type InputRequestFormProps = { runId: string; stepId: string; request: InputRequestProps; answer: AnswerInputFn; onAnswered?: () => void | Promise<void> };

/** What the form sends: the answer to the very question it shows. */
export function answerPayload(runId: string, stepId: string, request: Pick<InputRequestProps, "id">, action: InputAction, content?: Record<string, unknown>): Parameters<AnswerInputFn>[0] {
  return { id: runId, requestId: request.id, stepId, action, ...(content ? { content } : {}) };
}

/** One form per question: keyed by the request, so the step's next question starts blank. */
export function InputRequestForm(props: InputRequestFormProps) {
  return <QuestionForm key={props.request.id} {...props} />;
}

function QuestionForm({ runId, stepId, request, answer, onAnswered }: InputRequestFormProps) {
  const model = useMemo(() => buildFormModel(request.schema ?? { type: "object", properties: {} }), [request.schema]);
  const [value, setValue] = useState<FormValue>(() => initialFormValue(model.root));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const router = useRouter();

  const send = async (action: InputAction) => {
    let content: Record<string, unknown> | undefined;
    if (action === "accept") {
      const r = formArguments(model.root, value);
      if (!r.ok) return setError(r.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
      content = r.arguments;
    }
    setBusy(true);
    setError(null);
    const r = await answer(answerPayload(runId, stepId, request, action, content));
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setDone(action === "accept" ? "Answer sent: the step goes on." : action === "decline" ? "Declined: the tool is told." : "Cancelled: the tool is told.");
    await onAnswered?.();
    // a server-rendered list (the Today board) reads the waits again
    router.refresh();
  };

  return (
    <form
      className="mt-3 space-y-3 rounded border border-violet-200 bg-violet-50/40 p-3 dark:border-violet-900 dark:bg-violet-950/30"
      aria-label={`Input for step ${stepId}`}
      onSubmit={async (e) => {
        e.preventDefault();
        await send("accept");
      }}
    >
      <p className="text-xs text-zinc-500">
        {request.server ? (
          <>
            <code className="font-mono">
              {request.server}/{request.tool}
            </code>{" "}
            asks
          </>
        ) : (
          "A tool asks"
        )}
        {request.origin === "agent" ? " (an agent's tool: answering reruns the agent step with your answer)" : ""}:
      </p>
      {/* the server's words, as text: never markup */}
      <p className="text-sm font-medium whitespace-pre-line" data-testid="input-message">
        {request.message || "(no message)"}
      </p>
      <SchemaForm root={model.root} value={value} onChange={setValue} idPrefix={`input-${runId}-${stepId}`} />
      {done ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {done}
        </p>
      ) : (
        <div className="flex flex-wrap gap-2">
          <Button type="submit" size="sm" disabled={busy}>
            {busy ? "Sending…" : "Send answer"}
          </Button>
          <Button size="sm" variant="secondary" disabled={busy} onClick={() => send("decline")}>
            Decline
          </Button>
          <Button size="sm" variant="ghost" disabled={busy} onClick={() => send("cancel")}>
            Cancel the question
          </Button>
        </div>
      )}
      <FormError message={error} />
    </form>
  );
}
