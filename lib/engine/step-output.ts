// What a finished step keeps: a tool result becomes {text, json, content, isError}, bounded in size.
import "server-only";
import { parseStoredJson } from "@/lib/db/stored-json";
import { ZAttemptMarker, type AttemptMarker, type ToolStepOutput } from "@/lib/engine/engine.schema";
import type { ToolStepResult } from "@/lib/engine/tool-step-runner";
import { toolResultJson, toolResultText } from "@/lib/mcp/tool-result";

const STEP_OUTPUT_MAX_CHARS = 1_000_000;
const TEXT_KEEP_CHARS = 500_000;
const JSON_KEEP_CHARS = 400_000;
const ERROR_MAX_CHARS = 2_000;

/** structuredContent when the tool gave one, else the text parsed as JSON, else null. */
export function toolStepOutput(result: ToolStepResult): ToolStepOutput {
  const text = toolResultText(result);
  const output: ToolStepOutput = {
    text,
    json: toolResultJson(result),
    content: result.content,
    isError: result.isError,
    ...(result.reused ? { reused: true } : {}),
    ...(result.truncated ? { truncated: true } : {}),
  };
  if (JSON.stringify(output).length <= STEP_OUTPUT_MAX_CHARS) return output;
  // too big to keep whole: the text is cut, the raw content dropped; the tool call row keeps its own copy
  return {
    text: text.length > TEXT_KEEP_CHARS ? `${text.slice(0, TEXT_KEEP_CHARS)}\n…[truncated: ${text.length} characters in all]` : text,
    json: JSON.stringify(output.json ?? null).length > JSON_KEEP_CHARS ? null : output.json,
    content: [],
    isError: result.isError,
    truncated: true,
    ...(result.reused ? { reused: true } : {}),
  };
}

/** The message a failed tool result shows: the server's own words, bounded. */
export function toolErrorMessage(result: ToolStepResult, server: string, tool: string): string {
  const message = (result.error ?? toolResultText(result)).trim() || "no message";
  return `${server}/${tool} returned an error: ${boundedError(message)}`;
}

export function boundedError(message: string): string {
  return message.length > ERROR_MAX_CHARS ? `${message.slice(0, ERROR_MAX_CHARS)}…` : message;
}

export function attemptMarker(outputJson: string | null): AttemptMarker {
  const parsed = ZAttemptMarker.safeParse(parseStoredJson(outputJson));
  return parsed.success ? parsed.data : {};
}
