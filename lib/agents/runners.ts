// The runner for a step's `runner:`. Loaded on first use, so a worker that never runs claude-code
// never loads the Agent SDK.
import type { AgentRunnerName } from "@/lib/agents/agents.schema";
import type { AgentRunner } from "@/lib/agents/runner";

export async function agentRunner(name: AgentRunnerName): Promise<AgentRunner> {
  switch (name) {
    case "anthropic":
      return new (await import("@/lib/agents/anthropic-runner")).AnthropicRunner();
    case "openai":
      return new (await import("@/lib/agents/openai-runner")).OpenAiRunner();
    case "claude-code":
      return new (await import("@/lib/agents/claude-code-runner")).ClaudeCodeRunner();
    case "codex":
      return new (await import("@/lib/agents/codex-runner")).CodexRunner();
  }
}
