// A call of an agent runner's own tool (Claude Code's Read or Bash, codex's shell or a file change) in a
// step's transcript: its name, its input and its output, as stored (redacted and capped by the engine).
// It never passed the gateway, so it has no ToolCall row; everything here is rendered as text.
import { StatusBadge } from "@/components/ui/status-badge";
import { JsonBlock } from "@/components/runs/tool-result";

export type BuiltinCallData = {
  name?: unknown;
  input?: unknown;
  output?: unknown;
  isError?: unknown;
  inputTruncated?: unknown;
  inputChars?: unknown;
  outputTruncated?: unknown;
  outputChars?: unknown;
};

const FOLD_CHARS = 600;

/** The input as stored (JSON text), pretty-printed when it parses. */
function inputText(input: unknown): string {
  const text = typeof input === "string" ? input : JSON.stringify(input ?? null);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function BuiltinCallEntry({ data }: { data: BuiltinCallData }) {
  const name = typeof data.name === "string" ? data.name : "built-in";
  const output = typeof data.output === "string" ? data.output : null;
  const failed = data.isError === true;
  return (
    <details className="rounded border border-dashed border-zinc-300 p-2 text-sm dark:border-zinc-700" open={failed || (output ?? "").length < FOLD_CHARS} aria-label={`Built-in call ${name}`}>
      <summary className="cursor-pointer">
        <span className="text-xs text-zinc-500">Built-in</span> <code className="font-mono text-xs">{name}</code> <StatusBadge status={failed ? "failed" : output === null ? "started" : "succeeded"} />
      </summary>
      <div className="mt-2 space-y-2">
        <p className="text-xs text-zinc-500">Input{data.inputTruncated === true ? ` (cut; ${String(data.inputChars)} characters in all)` : ""}</p>
        <JsonBlock value={inputText(data.input)} label="Built-in input" />
        {output !== null && (
          <>
            <p className="text-xs text-zinc-500">Output{data.outputTruncated === true ? ` (cut; ${String(data.outputChars)} characters in all)` : ""}</p>
            <JsonBlock value={output} label="Built-in output" />
          </>
        )}
      </div>
    </details>
  );
}
