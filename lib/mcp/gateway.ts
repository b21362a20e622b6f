// The one door through which an agent reaches MCP tools. A session belongs to one running agent step:
// it offers exactly the tools the step lists (`server/tool`, `server/*`) that the approval boundary lets
// it have (none changed since an admin accepted it; before an approval step, read-only ones only),
// checks every call against that list, the tool's pin and its schema, sends it through the pool (its
// timeout and cancellation, secrets redacted) and records it under the step like a tool step's call.
// Calls it will not send are recorded as refused.
// A step that may use more tools than a threshold is offered two tools in their place, search_tools and
// call_tool (tool-search.ts): the search covers exactly the tools the step may call, and call_tool goes
// through the same call as a direct one. Done here once, so every front (the in-process server, the HTTP
// gateway, the API runners) offers the same.
// The agent only ever sees a tool's name, description and input schema: never a command, env or header.
import "server-only";
import type { Tool } from "@modelcontextprotocol/client";
import { prisma } from "@/lib/db/client";
import { agentEnv } from "@/lib/env";
import { callPreparedRecorded } from "@/lib/mcp/calls";
import { checkArguments, ToolCallRefused } from "@/lib/mcp/send-call";
import type { ServerEntry } from "@/lib/mcp/config";
import { GatewayToolFailed } from "@/lib/mcp/gateway-failure";
import { GatewayInputNeeded, type InputAnswer, type InputAsk } from "@/lib/mcp/input-requests";
import { getMcpPool, McpUnavailableError, type McpPool } from "@/lib/mcp/pool";
import { pinBlockReason, readToolPin, type ToolPinRow } from "@/lib/mcp/pins";
import { redactText, redactValue } from "@/lib/mcp/redact";
import { cancelTaskOfCall } from "@/lib/mcp/tasks";
import { CALL_TOOL, callArguments, DEFAULT_TOOL_SEARCH_THRESHOLD, onDemandToolDefinitions, rankTools, SEARCH_TOOLS, searchArguments } from "@/lib/mcp/tool-search";
import { trustedTool } from "@/lib/mcp/tool-trust";

export type GatewayStep = {
  runId: string;
  runStepId: string;
  clientSlug: string | null;
  /** the step's `tools:` list */
  allow: readonly string[];
  /** an approval step of its run comes before this step */
  afterApproval: boolean;
  /** an approval step of its run comes after this step: only read-only tools (by their accepted definition) */
  beforeApproval: boolean;
  /**
   * the step's `tool_search`: true offers search_tools and call_tool in place of its tools, false its whole
   * list; unset, the list when it has at most SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD tools (default 40)
   */
  toolSearch?: boolean;
  /**
   * The answer a person already gave to this question in an earlier attempt of the step (it reruns with
   * it), from the engine's records; the step's own question goes unanswered without it.
   */
  answerFor?: (server: string, tool: string, message: string) => Promise<InputAnswer | null>;
};

export type GatewayTool = {
  /** the name the agent calls it by: `<server>__<tool>`, in the characters model APIs accept */
  name: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Tool["inputSchema"];
  annotations?: Tool["annotations"];
};

export type GatewayCallResult = {
  content: unknown[];
  structuredContent?: unknown;
  isError: boolean;
  /** the message when isError: the tool's, the MCP layer's, or why the gateway refused */
  error?: string;
  refused?: boolean;
  toolCallId?: string;
};

/** The server's tools could not be listed (it cannot start, or needs an admin's approval): the step cannot run. */
export class GatewayUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayUnavailableError";
  }
}

const NAME_MAX = 64;
/** input_required rounds of one agent call answered from earlier answers, at most */
const INPUT_ROUNDS_MAX = 3;

/** Does the step's list allow this tool? `server/*` allows every tool of that server. */
export function isToolAllowed(allow: readonly string[], server: string, tool: string): boolean {
  return allow.some((pattern) => {
    const slash = pattern.indexOf("/");
    if (pattern.slice(0, slash) !== server) return false;
    const name = pattern.slice(slash + 1);
    return name === "*" || name === tool;
  });
}

/** `server__tool` in [A-Za-z0-9_-], at most 64 characters (what the Anthropic and OpenAI APIs accept). */
export function exposedToolName(server: string, tool: string): string {
  const raw = `${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return raw.length <= NAME_MAX ? raw : raw.slice(0, NAME_MAX);
}

type Offered = GatewayTool & { entry: ServerEntry; definition: Tool };
type Withheld = { server: string; tool: string; entry: ServerEntry; reason: string };
/** The step's tools by exposed name, and whether they are offered on demand (search_tools and call_tool). */
type Loaded = { byName: Map<string, Offered>; onDemand: boolean };

/** Past this many tools a step is offered search_tools and call_tool in place of its list. */
export function toolSearchThreshold(): number {
  return agentEnv().SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD ?? DEFAULT_TOOL_SEARCH_THRESHOLD;
}

export class GatewaySession {
  private offered: Promise<Loaded> | null = null;
  /** listed tools the boundary keeps from the agent, by `server/tool` and by exposed name, with why */
  private readonly withheld = new Map<string, Withheld>();
  private readonly pool: McpPool;

  constructor(
    readonly step: GatewayStep,
    private readonly options: {
      signal?: AbortSignal;
      pool?: McpPool;
      /** a call failed (not refused): the step ends with this (gateway-failure.ts says why) */
      onToolFailure?: (failure: GatewayToolFailed) => void;
      /**
       * A tool asked for a person's input (old-style elicitation or input_required): the step ends as "needs
       * input" with the question (lib/engine/input-waits.ts). Without it, the question is cancelled.
       */
      onInputNeeded?: (need: GatewayInputNeeded) => void;
      /** the answer a person already gave to this question (GatewayStep.answerFor, which it overrides) */
      answerFor?: GatewayStep["answerFor"];
    } = {},
  ) {
    this.pool = options.pool ?? getMcpPool();
  }

  /** The servers the step's list names, in order, each once. */
  private servers(): string[] {
    return [...new Set(this.step.allow.map((p) => p.slice(0, p.indexOf("/"))))];
  }

  private load(): Promise<Loaded> {
    this.offered ??= (async () => {
      const byName = new Map<string, Offered>();
      for (const server of this.servers()) {
        let entry: ServerEntry;
        let tools: Tool[];
        try {
          // a client's server that an admin has not approved fails here: it is never started nor offered
          entry = await this.pool.resolve(server, this.step.clientSlug);
          // what the server lists now decides what is withheld (a tool may change without saying so)
          tools = await this.pool.tools(entry, { fresh: true });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new GatewayUnavailableError(`The step's tools from "${server}" are unavailable: ${message}`);
        }
        for (const definition of tools) {
          if (!isToolAllowed(this.step.allow, server, definition.name)) continue;
          const reason = await this.withholdReason(entry, definition);
          if (reason) {
            const withheld = { server, tool: definition.name, entry, reason };
            this.withheld.set(`${server}/${definition.name}`, withheld);
            this.withheld.set(exposedToolName(server, definition.name), withheld);
            continue;
          }
          let name = exposedToolName(server, definition.name);
          for (let i = 2; byName.has(name); i++) name = `${exposedToolName(server, definition.name).slice(0, NAME_MAX - 4)}_${i}`;
          byName.set(name, {
            name,
            server,
            tool: definition.name,
            description: definition.description ?? "",
            inputSchema: definition.inputSchema,
            annotations: definition.annotations,
            entry,
            definition,
          });
        }
      }
      // decided once per session: the agent's view does not change under it mid-step
      const onDemand = this.step.toolSearch !== undefined ? this.step.toolSearch && byName.size > 0 : byName.size > toolSearchThreshold();
      return { byName, onDemand };
    })();
    this.offered.catch(() => {
      this.offered = null;
    });
    return this.offered;
  }

  /** Why the agent may not have this tool now (pins.ts), or null. */
  private async withholdReason(entry: ServerEntry, definition: Tool): Promise<string | null> {
    const agent = { beforeApproval: this.step.beforeApproval };
    const check = (pin: ToolPinRow | null | undefined) => pinBlockReason({ server: entry.name, tool: definition, pin: pin ?? null, afterApproval: this.step.afterApproval, agent });
    // the pin as this process last listed it; a refusal reads it again (an admin may have accepted since)
    if (!check(this.pool.cachedPin(entry, definition.name))) return null;
    return check(await readToolPin(entry.scope, entry.name, definition.name));
  }

  /**
   * Exactly the tools the step may call, or, past the threshold, search_tools and call_tool in their
   * place (their server is ""); throws GatewayUnavailableError when a listed server cannot be reached.
   */
  async listTools(): Promise<GatewayTool[]> {
    const { byName, onDemand } = await this.load();
    if (onDemand) return onDemandToolDefinitions(byName.size).map((t) => ({ ...t, server: "", tool: t.name }));
    return [...byName.values()].map(publicTool);
  }

  /** Every tool the step may call, whether listTools offers them or search_tools finds them. */
  async allowedTools(): Promise<GatewayTool[]> {
    return [...(await this.load()).byName.values()].map(publicTool);
  }

  /** Whether listTools offers search_tools and call_tool in place of the step's tools. */
  async isOnDemand(): Promise<boolean> {
    return (await this.load()).onDemand;
  }

  /**
   * Calls a tool by the name listTools gave it (or as `server/tool`). A refusal (a tool not listed,
   * arguments that do not match its schema, a blocked pin) goes back to the agent as an error result it
   * can act on; a failure (the tool's error, its server unavailable, a timeout) also calls
   * `onToolFailure`, which ends the step.
   */
  async call(name: string, args: unknown, options: { signal?: AbortSignal } = {}): Promise<GatewayCallResult> {
    const { byName, onDemand } = await this.load();
    if (onDemand && name === SEARCH_TOOLS) return this.search(byName, args);
    if (onDemand && name === CALL_TOOL) {
      const inner = callArguments(args);
      if ("error" in inner) return this.refuse("", CALL_TOOL, args, [], inner.error);
      // the very path of a direct call: the tool must be one of the step's, and pass the same checks
      return this.callOffered(byName, inner.name, inner.arguments, options);
    }
    return this.callOffered(byName, name, args, options);
  }

  /**
   * search_tools: the step's tools that match the query, best first, with what it takes to call them.
   * Answered by the gateway itself (nothing is sent to a server, so nothing is recorded).
   */
  private search(byName: Map<string, Offered>, args: unknown): GatewayCallResult {
    const parsed = searchArguments(args);
    if ("error" in parsed) return { content: [{ type: "text", text: parsed.error }], isError: true, error: parsed.error, refused: true };
    const tools = [...byName.values()];
    const ranked = rankTools(
      tools.map((t) => ({ ...t, title: t.definition.title ?? t.definition.annotations?.title })),
      parsed.query,
    );
    const answer = {
      tools: ranked.slice(0, parsed.limit).map((t) => ({ name: t.name, description: t.description, inputSchema: { ...t.inputSchema, type: "object" as const } })),
      matched: ranked.length,
      of: tools.length,
    };
    return { content: [{ type: "text", text: JSON.stringify(answer) }], structuredContent: answer, isError: false };
  }

  private async callOffered(offered: Map<string, Offered>, name: string, args: unknown, options: { signal?: AbortSignal }): Promise<GatewayCallResult> {
    const found = offered.get(name) ?? [...offered.values()].find((t) => `${t.server}/${t.tool}` === name);
    if (!found) {
      const withheld = this.withheld.get(name);
      if (withheld) return this.refuse(withheld.server, withheld.tool, args, withheld.entry.secrets, withheld.reason);
      const { server, tool } = splitToolName(name);
      return this.refuse(server, tool, args, [], `The tool "${name}" is not one of this step's tools`);
    }
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      return this.refuse(found.server, found.tool, args, found.entry.secrets, `Arguments for ${found.server}/${found.tool} must be an object`);
    }
    const argumentsObject = args as Record<string, unknown>;
    try {
      // checked again at the call: the tool may have changed since it was listed
      const verdict = await trustedTool(this.pool, found.entry, found.tool, this.step.afterApproval, { beforeApproval: this.step.beforeApproval });
      if (!verdict.ok) throw new ToolCallRefused(verdict.error);
      checkArguments(found.server, verdict.tool, argumentsObject);
    } catch (error) {
      if (error instanceof ToolCallRefused) return this.refuse(found.server, found.tool, args, found.entry.secrets, error.message);
      if (error instanceof McpUnavailableError) {
        const result = await this.refuse(found.server, found.tool, args, found.entry.secrets, error.message, "failed");
        this.failed(found, error.message);
        return result;
      }
      throw error;
    }
    const signal = anySignal(this.options.signal, options.signal);
    try {
      const prepared = { pool: this.pool, entry: found.entry, tool: found.definition };
      const base = { clientSlug: this.step.clientSlug, server: found.server, tool: found.tool, arguments: argumentsObject, signal, runId: this.step.runId, runStepId: this.step.runStepId };
      // an old server's question mid-call: answered from an earlier answer in a rerun, else the step stops to ask
      const onInput = async (ask: InputAsk): Promise<InputAnswer> => {
        const known = await this.answerFor(found, ask);
        if (known) return known;
        this.options.onInputNeeded?.(new GatewayInputNeeded(found.server, found.tool, ask, "elicitation"));
        return { action: "cancel" };
      };
      let result = await callPreparedRecorded(prepared, { ...base, onInput, allowInputRequired: true });
      // input_required (2026-07-28): the same call again with a known answer, a few rounds at most
      for (let round = 0; result.inputRequired && round < INPUT_ROUNDS_MAX; round++) {
        const asked = result.inputRequired;
        const known = await this.answerFor(found, asked);
        if (!known) {
          // a task that asked (2026-07-28) is never answered: the step's rerun makes a new call (and task)
          await cancelTaskOfCall(result.toolCallId).catch((error: unknown) => console.error("[gateway] could not cancel the task that asked", error));
          this.options.onInputNeeded?.(new GatewayInputNeeded(found.server, found.tool, asked, "input_required", result.toolCallId));
          const message = `${found.server}/${found.tool} asks for a person's input ("${asked.message}"): the step stops here and waits for the answer`;
          return { content: [{ type: "text", text: message }], isError: true, error: message, toolCallId: result.toolCallId };
        }
        const continuation = { inputResponses: { [asked.key]: known }, ...(asked.requestState !== undefined ? { requestState: asked.requestState } : {}) };
        result = await callPreparedRecorded(prepared, { ...base, onInput, allowInputRequired: true, resume: { toolCallId: result.toolCallId, continuation } });
      }
      if (result.inputRequired) {
        const message = `${found.server}/${found.tool} kept asking for input after ${INPUT_ROUNDS_MAX} answers`;
        this.failed(found, message);
        return { content: [], isError: true, error: message, toolCallId: result.toolCallId };
      }
      // a call ended by the step itself (cancel, timeout) is not the tool's failure
      if (result.isError && !signal?.aborted) this.failed(found, result.error ?? "");
      return { content: result.content, structuredContent: result.structuredContent, isError: result.isError, error: result.error, toolCallId: result.toolCallId };
    } catch (error) {
      if (error instanceof McpUnavailableError) {
        // recorded as failed ("Not sent") by callPreparedRecorded
        this.failed(found, error.message);
        return { content: [], isError: true, error: error.message };
      }
      throw error;
    }
  }

  private async answerFor(found: Offered, ask: InputAsk): Promise<InputAnswer | null> {
    const lookup = this.options.answerFor ?? this.step.answerFor;
    return (await lookup?.(found.server, found.tool, ask.message).catch(() => null)) ?? null;
  }

  private failed(found: Offered, message: string): void {
    this.options.onToolFailure?.(new GatewayToolFailed(found.server, found.tool, redactText(message, found.entry.secrets)));
  }

  private async refuse(server: string, tool: string, args: unknown, secrets: readonly string[], message: string, status: "refused" | "failed" = "refused"): Promise<GatewayCallResult> {
    // a runner test from /settings has no step to record under, and no tools either
    if (!this.step.runStepId) return { content: [{ type: "text", text: message }], isError: true, error: message, refused: status === "refused" };
    const now = new Date();
    let argumentsJson = JSON.stringify(redactValue(args ?? null, secrets)) ?? "null";
    if (argumentsJson.length > 64_000) argumentsJson = JSON.stringify({ truncated: true, bytes: argumentsJson.length });
    const row = await prisma.toolCall.create({
      data: {
        runId: this.step.runId,
        runStepId: this.step.runStepId,
        server: server || "(none)",
        tool: tool.slice(0, 200) || "(none)",
        argumentsJson,
        status,
        isError: true,
        error: redactText(message, secrets),
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
      },
      select: { id: true },
    });
    return { content: [{ type: "text", text: message }], isError: true, error: message, refused: status === "refused", toolCallId: row.id };
  }
}

function publicTool({ entry: _entry, definition: _definition, ...tool }: Offered): GatewayTool {
  return tool;
}

/** `server/tool` or `server__tool` into its parts, for recording a call to a tool that was not offered. */
function splitToolName(name: string): { server: string; tool: string } {
  const slash = name.indexOf("/");
  if (slash > 0) return { server: name.slice(0, slash), tool: name.slice(slash + 1) };
  const sep = name.indexOf("__");
  if (sep > 0) return { server: name.slice(0, sep), tool: name.slice(sep + 2) };
  return { server: "", tool: name };
}

/** A signal that aborts when any of the given ones does (AbortSignal.any, skipping the missing ones). */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

/** The text of a gateway result as an agent reads it back: the text content, else the error. */
export function gatewayResultText(result: GatewayCallResult): string {
  const text = result.content
    .filter((c): c is { type: "text"; text: string } => typeof c === "object" && c !== null && (c as { type?: unknown }).type === "text")
    .map((c) => c.text)
    .join("\n");
  if (text) return text;
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return result.error ?? (result.isError ? "The tool reported an error" : "");
}
