"use client";
// One tool of a server on /tools: its name, annotations and description; its call form is built from
// the input schema only when the tool is opened, so a server with 70 tools costs 70 rows, not 70 forms.
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { formatDuration } from "@/lib/format";
import { queryKeys } from "@/components/query-keys";
import type { Serialized } from "@/components/serialized";
import { ToolResult } from "@/components/runs/tool-result";
import { RawArguments, SchemaForm } from "@/components/tools/schema-form";
import { buildFormModel } from "@/lib/mcp/schema-form";
import { formArguments, initialFormValue, type FormValue } from "@/lib/mcp/schema-form-values";
import type { ServerInfo } from "@/lib/mcp/servers";
import { acceptToolChangeAction, callToolAction } from "./actions";

type Server = Serialized<ServerInfo>;
type Tool = Server["tools"][number];
type CallResult = { content: unknown[]; isError: boolean; error: string | null; durationMs: number; truncated: boolean; runId: string };

export function ToolRow({ server, tool, isAdmin }: { server: Server; tool: Tool; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [acceptError, setAcceptError] = useState<string | null>(null);
  return (
    <li className="py-2.5" aria-label={`Tool ${tool.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="font-mono text-sm font-medium hover:underline" onClick={() => setOpen(!open)} aria-expanded={open}>
          {tool.name}
        </button>
        {tool.title && tool.title !== tool.name && <span className="text-xs text-zinc-500">{tool.title}</span>}
        {tool.annotations?.readOnlyHint && <span className="rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">read-only</span>}
        {tool.annotations?.destructiveHint && <span className="rounded bg-red-50 px-1.5 text-xs text-red-700 dark:bg-red-950 dark:text-red-300">destructive</span>}
        {tool.changed && (
          <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            changed since accepted
            {isAdmin && (
              <button
                type="button"
                className="ml-1 underline"
                onClick={async () => {
                  // the hash of the definition shown here: a tool that changed again since is refused, not accepted
                  const r = await acceptToolChangeAction({ scope: server.scope, server: server.name, tool: tool.name, hash: tool.hash });
                  setAcceptError(r.ok ? null : r.error);
                  await queryClient.invalidateQueries({ queryKey: queryKeys.servers() });
                }}
              >
                accept
              </button>
            )}
          </span>
        )}
        {acceptError && (
          <span role="alert" className="text-xs text-red-700 dark:text-red-300">
            {acceptError}
          </span>
        )}
      </div>
      {tool.description && <p className={`mt-0.5 text-xs whitespace-pre-line text-zinc-600 dark:text-zinc-400 ${open ? "" : "line-clamp-2"}`}>{tool.description}</p>}
      {open && <ToolCallForm server={server} tool={tool} isAdmin={isAdmin} />}
    </li>
  );
}

function ToolCallForm({ server, tool, isAdmin }: { server: Server; tool: Tool; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const model = useMemo(() => buildFormModel(tool.inputSchema), [tool.inputSchema]);
  const [value, setValue] = useState<FormValue>(() => initialFormValue(model.root));
  const [raw, setRaw] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CallResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const argumentsNow = (): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } => {
    if (raw !== null) {
      try {
        const parsed: unknown = JSON.parse(raw || "{}");
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { ok: true, args: parsed as Record<string, unknown> };
      } catch {
        // the message below says what is wrong
      }
      return { ok: false, error: "The arguments must be a JSON object" };
    }
    const r = formArguments(model.root, value);
    return r.ok ? { ok: true, args: r.arguments } : { ok: false, error: r.errors.map((e) => `${e.path}: ${e.message}`).join("; ") };
  };

  return (
    <form
      className="mt-3 space-y-3 rounded border border-zinc-200 p-3 dark:border-zinc-800"
      aria-label={`Call ${tool.name}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const args = argumentsNow();
        if (!args.ok) return setError(args.error);
        setBusy(true);
        setError(null);
        const r = await callToolAction({ server: server.name, tool: tool.name, arguments: args.args });
        setBusy(false);
        if (!r.ok) return setError(r.error);
        setResult(r.data);
        await queryClient.invalidateQueries({ queryKey: queryKeys.servers() });
        // the call is recorded: the server-rendered list of recent calls shows it
        router.refresh();
      }}
    >
      <label className="flex items-center gap-2 text-xs text-zinc-500">
        <input
          type="checkbox"
          checked={raw !== null}
          onChange={(e) => {
            if (!e.target.checked) return setRaw(null);
            const current = formArguments(model.root, value);
            setRaw(JSON.stringify(current.ok ? current.arguments : {}, null, 2));
          }}
        />
        Edit as raw JSON
      </label>
      {raw !== null ? <RawArguments value={raw} onChange={setRaw} /> : <SchemaForm root={model.root} value={value} onChange={setValue} idPrefix={`${server.scope}-${server.name}-${tool.name}`} />}
      {isAdmin ? (
        <Button type="submit" size="sm" disabled={busy}>
          {busy ? "Calling…" : "Call"}
        </Button>
      ) : (
        <p className="text-xs text-zinc-500">Only an admin can call tools directly.</p>
      )}
      <FormError message={error} />
      {result && (
        <div aria-label="Tool result" className="space-y-1">
          <p className="text-xs text-zinc-500">
            {result.isError ? "The tool reported an error" : "Result"} · {formatDuration(result.durationMs)}
            {result.truncated ? " · truncated" : ""} ·{" "}
            <Link className="underline" href={`/runs/${result.runId}`}>
              recorded as an ad-hoc call
            </Link>
          </p>
          {result.isError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {result.error}
            </p>
          )}
          <ToolResult result={{ content: result.content }} />
        </div>
      )}
    </form>
  );
}
