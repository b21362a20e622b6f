// A schedule's `when:` precondition: one read-only MCP tool call through the pool. An empty result
// (no content, blank text, [] or {}, or an object whose fields are all empty) means "nothing to do".
import type { HeartbeatDefinition } from "@/lib/heartbeats/definitions";

export type PreconditionResult = { empty: boolean; error?: string };
export type PreconditionCaller = (def: HeartbeatDefinition) => Promise<PreconditionResult>;

function isEmptyValue(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return depth < 4 && Object.values(value).every((v) => isEmptyValue(v, depth + 1));
  return false;
}

function isTextItem(c: unknown): c is { type: "text"; text: string } {
  return typeof c === "object" && c !== null && (c as { type?: unknown }).type === "text" && typeof (c as { text?: unknown }).text === "string";
}

export function isEmptyResult(result: { content: unknown[]; structuredContent?: unknown }): boolean {
  if (result.content.some((c) => !isTextItem(c))) return false;
  if (!isEmptyValue(result.structuredContent)) return false;
  const text = result.content
    .filter(isTextItem)
    .map((c) => c.text)
    .join("\n")
    .trim();
  if (text === "") return true;
  if (!/^[[{]/.test(text)) return false;
  try {
    return isEmptyValue(JSON.parse(text) as unknown);
  } catch {
    return false;
  }
}

/** Calls the precondition tool; it must be annotated read-only, since it runs every tick without review. */
export const callPrecondition: PreconditionCaller = async (def) => {
  if (!def.when) return { empty: false };
  const { callTool, prepareCall } = await import("@/lib/mcp/send-call");
  const request = { clientSlug: def.clientSlug, server: def.when.server, tool: def.when.tool, arguments: def.when.args };
  try {
    const { tool } = await prepareCall(request);
    if (tool.annotations?.readOnlyHint !== true) {
      return { empty: false, error: `${def.when.server}/${def.when.tool} is not annotated read-only; a precondition may only read` };
    }
    const result = await callTool({ ...request, timeoutMs: 60_000, maxTotalTimeoutMs: 120_000 });
    if (result.isError) return { empty: false, error: result.error ?? "the tool reported an error" };
    return { empty: isEmptyResult(result) };
  } catch (error) {
    return { empty: false, error: error instanceof Error ? error.message : "the precondition could not run" };
  }
};
