// What every agent runner does: take a rendered prompt and the step's gateway, stream what happens
// (assistant text, token usage) as it happens, and end with a final answer or a clear error.
import type { GatewaySession } from "@/lib/mcp/gateway";
import type { AgentRunnerName } from "@/lib/agents/agents.schema";

export type TokenUsage = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
};

export const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

export function addUsage(a: TokenUsage, b: Partial<TokenUsage>): TokenUsage {
  return {
    inputTokens: a.inputTokens + (b.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b.outputTokens ?? 0),
    cacheReadTokens: a.cacheReadTokens + (b.cacheReadTokens ?? 0),
    cacheWriteTokens: a.cacheWriteTokens + (b.cacheWriteTokens ?? 0),
    reasoningTokens: a.reasoningTokens + (b.reasoningTokens ?? 0),
  };
}

export type AgentEvent =
  /** a piece of assistant text, whole (one content block or message), not a token-by-token delta */
  | { type: "text"; text: string }
  /** the tokens of one model call (or of the whole run when the runner reports only that) */
  | { type: "usage"; usage: Partial<TokenUsage>; model?: string | null /** billed to the operator's subscription login, not an API key */; subscription?: boolean }
  /** a tool call as the runner saw it; the gateway records the call itself */
  | { type: "tool"; name: string }
  /**
   * a call of the runner's own tool (claude's Read or Bash, codex's shell or a file change), which never
   * passes the gateway: its input and output as the runner reported them (the engine caps and redacts)
   */
  | { type: "builtin"; name: string; input: unknown; output?: string; isError?: boolean }
  | { type: "log"; message: string };

export type AgentRunRequest = {
  prompt: string;
  model?: string;
  maxTurns: number;
  /** the runner's own tools the step allows (claude-code: Read, Grep, ...); none by default */
  builtin: string[];
  /** the client's folder (its CLAUDE.md applies), else the workspace */
  cwd: string;
  gateway: GatewaySession;
  /** ends the run: cancel, shutdown, timeout */
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** for a runner's private files (codex's CODEX_HOME) */
  dataDir: string;
  /** this Switchboard's own address, for runners that reach the gateway over HTTP */
  gatewayUrl: string;
  /** mints the bearer token for the HTTP gateway (codex) */
  mintGatewayToken: () => Promise<string>;
  /** an admin's extra paths for the CLI runners' sandbox (pipeline `mounts:`), read-only unless `write` */
  mounts?: AgentMount[];
  /**
   * Awaited before each model request by the runners that make it themselves (anthropic, openai): throws
   * (the step's abort reason) when the call may not be made, e.g. the client's budget would be passed.
   * The CLI runners (claude-code, codex) call the model from their own process and have no such hook.
   */
  beforeModelCall?: (call: ModelCallRequest) => Promise<void>;
};

/** The request a runner is about to send, measured only if asked (its JSON's length in characters). */
export type ModelCallRequest = { turn: number; requestChars: () => number };

export type AgentMount = { path: string; write?: boolean };

export type AgentRunResult = {
  text: string;
  usage: TokenUsage;
  turns: number;
  model: string | null;
};

/** A failure the step shows as it is: written for the operator, with no secret in it. */
export class AgentRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgentRunError";
  }
}

/** The runner is not set up: the message says what to set. */
export class RunnerNotConfiguredError extends AgentRunError {
  constructor(message: string) {
    super(message);
    this.name = "RunnerNotConfiguredError";
  }
}

export function maxTurnsError(maxTurns: number): AgentRunError {
  return new AgentRunError(`The agent reached max_turns (${maxTurns}) without a final answer`);
}

export type RunnerStatus = {
  runner: AgentRunnerName;
  usable: boolean;
  /** what was found, e.g. "claude 2.1.197 at /usr/local/bin/claude" or "ANTHROPIC_API_KEY set" */
  detail: string;
  /** what to set when not usable */
  hint?: string;
  /** usable, but something the operator should know (an agent CLI running without its sandbox) */
  warning?: string;
};

export interface AgentRunner {
  readonly name: AgentRunnerName;
  /** Throws RunnerNotConfiguredError when its parts are missing. */
  run(request: AgentRunRequest): Promise<AgentRunResult>;
  status(): Promise<RunnerStatus>;
}
