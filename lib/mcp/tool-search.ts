// On-demand tools for a step with many tools. Past a threshold (SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD,
// default 40; a step's `tool_search: true|false` overrides it) the gateway offers two tools in place of
// the step's whole list, the way Codex's tool search and agent-mcp-gateway do: `search_tools` finds the
// step's tools by keywords (name, title and description) and returns their names, descriptions and input
// schemas; `call_tool` calls one by name. Only the step's own tools are searched, and call_tool goes
// through GatewaySession.call like a direct call (allow-list, approval boundary, schema check, record).
// This file is the pure part: the two definitions, their arguments and the ranking.
import "server-only";
import type { Tool } from "@modelcontextprotocol/client";

export const SEARCH_TOOLS = "search_tools";
export const CALL_TOOL = "call_tool";
export const DEFAULT_TOOL_SEARCH_THRESHOLD = 40;
const LIMIT_DEFAULT = 8;
const LIMIT_MAX = 25;

export type SearchableTool = { name: string; title?: string; description: string };

export type OnDemandTool = {
  name: string;
  description: string;
  inputSchema: Tool["inputSchema"];
  annotations: { title: string; readOnlyHint?: boolean; openWorldHint?: boolean };
};

/** The two tools offered in place of `count` tools. */
export function onDemandToolDefinitions(count: number): OnDemandTool[] {
  return [
    {
      name: SEARCH_TOOLS,
      description: `This step may use ${count} tools, too many to list here. Find the ones you need by keywords (what you want to do and on what, e.g. "create post" or "list comments"); each match comes with its name, description and input schema. Then call it with ${CALL_TOOL}.`,
      inputSchema: {
        type: "object",
        properties: {
          query: { type: "string", description: "Keywords for the tool you need" },
          limit: { type: "integer", minimum: 1, maximum: LIMIT_MAX, description: `How many tools to return at most (default ${LIMIT_DEFAULT})` },
        },
        required: ["query"],
      },
      annotations: { title: "Search this step's tools", readOnlyHint: true, openWorldHint: false },
    },
    {
      name: CALL_TOOL,
      description: `Calls one of this step's tools found with ${SEARCH_TOOLS}, by the name ${SEARCH_TOOLS} gave, with arguments that match its input schema. Returns what the tool returns.`,
      inputSchema: {
        type: "object",
        properties: {
          name: { type: "string", description: `The tool's name, as ${SEARCH_TOOLS} gave it` },
          arguments: { type: "object", description: "The tool's arguments, matching its input schema", additionalProperties: true },
        },
        required: ["name"],
      },
      annotations: { title: "Call one of this step's tools" },
    },
  ];
}

/** search_tools' arguments, or why they are not usable. */
export function searchArguments(args: unknown): { query: string; limit: number } | { error: string } {
  const a = (typeof args === "object" && args !== null && !Array.isArray(args) ? args : {}) as Record<string, unknown>;
  if (typeof a.query !== "string") return { error: `${SEARCH_TOOLS} needs a query: keywords for the tool you need` };
  if (a.limit !== undefined && (typeof a.limit !== "number" || !Number.isInteger(a.limit) || a.limit < 1)) return { error: `${SEARCH_TOOLS}: limit must be a whole number from 1 to ${LIMIT_MAX}` };
  return { query: a.query, limit: Math.min((a.limit as number | undefined) ?? LIMIT_DEFAULT, LIMIT_MAX) };
}

/** call_tool's arguments, or why they are not usable. */
export function callArguments(args: unknown): { name: string; arguments: unknown } | { error: string } {
  const a = typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : null;
  if (!a || typeof a.name !== "string" || !a.name) return { error: `${CALL_TOOL} needs the name of a tool found with ${SEARCH_TOOLS}` };
  return { name: a.name, arguments: a.arguments ?? {} };
}

/** Lower-case words, split at anything but letters and digits, plurals folded ("categories" → "category"). */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w.length > 4 && w.endsWith("ies") ? `${w.slice(0, -3)}y` : w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
}

/**
 * The tools that match the query, best first (ties in the given order). Each query word scores 4 when it
 * is a word of the tool's name (2 when only inside it), 2 in its title, 1 in its description (0.5 when
 * only inside a word of it); a tool that no word matches is left out. An empty query lists every tool.
 */
export function rankTools<T extends SearchableTool>(tools: readonly T[], query: string): T[] {
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return [...tools];
  const scored = tools.map((tool, index) => {
    const name = new Set(words(tool.name));
    const title = new Set(words(tool.title ?? ""));
    const description = new Set(words(tool.description));
    const rawName = tool.name.toLowerCase();
    const rawDescription = tool.description.toLowerCase();
    let score = 0;
    for (const term of terms) {
      if (name.has(term)) score += 4;
      else if (rawName.includes(term)) score += 2;
      if (title.has(term)) score += 2;
      if (description.has(term)) score += 1;
      else if (term.length >= 3 && rawDescription.includes(term)) score += 0.5;
    }
    return { tool, index, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((s) => s.tool);
}

export { LIMIT_DEFAULT as SEARCH_LIMIT_DEFAULT, LIMIT_MAX as SEARCH_LIMIT_MAX };

/**
 * The name a live "tool" event shows for a call the agent made: through call_tool (however its runner
 * prefixes it: `call_tool`, `mcp__switchboard__call_tool`, `switchboard/call_tool`), the tool it names,
 * as `call_tool → <name>`; any other call as it is.
 */
export function liveToolName(name: string, args: unknown): string {
  if (name !== CALL_TOOL && !name.endsWith(`__${CALL_TOOL}`) && !name.endsWith(`/${CALL_TOOL}`)) return name;
  let parsed = args;
  if (typeof parsed === "string") {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return name;
    }
  }
  const inner = typeof parsed === "object" && parsed !== null ? (parsed as { name?: unknown }).name : undefined;
  return typeof inner === "string" && inner ? `${name} → ${inner.slice(0, 128)}` : name;
}
