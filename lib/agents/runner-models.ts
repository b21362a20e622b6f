// The model an agent step runs on, known before it starts (budgets price it): the step's own `model`, else
// the runner's configured default. claude-code with no model uses the CLI's own default, learned from its
// first usage event, and may bill the operator's subscription login rather than USD.
import "server-only";
import { agentEnv } from "@/lib/env";
import type { AgentRunnerName } from "@/lib/agents/agents.schema";

export function defaultModelOf(runner: AgentRunnerName): string | null {
  const env = agentEnv();
  switch (runner) {
    case "anthropic":
      return env.SWITCHBOARD_ANTHROPIC_MODEL;
    case "openai":
      return env.SWITCHBOARD_OPENAI_MODEL;
    case "codex":
      return env.SWITCHBOARD_CODEX_MODEL;
    case "claude-code":
      return null;
  }
}

/** True when every token the runner spends is billed in USD (an API key); claude-code may use a login. */
export function alwaysBillsUsd(runner: AgentRunnerName): boolean {
  return runner !== "claude-code";
}
