// The `anthropic` runner: the Messages API with tool use, through @anthropic-ai/sdk. The loop is ours:
// each turn streams one message; its tool_use blocks go through the gateway and come back as
// tool_result blocks, until the model ends its turn with an answer or max_turns is reached.
import "server-only";
import Anthropic, { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { MessageParam, Tool as AnthropicTool, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages/messages";
import { agentEnv } from "@/lib/env";
import { type GatewayTool, gatewayResultText } from "@/lib/mcp/gateway";
import { liveToolName } from "@/lib/mcp/tool-search";
import { addUsage, AgentRunError, maxTurnsError, NO_USAGE, RunnerNotConfiguredError, type AgentRunner, type AgentRunRequest, type AgentRunResult, type RunnerStatus } from "@/lib/agents/runner";
import { modelApiError } from "@/lib/agents/model-api-error";

const MAX_OUTPUT_TOKENS = 8_192;

function client(): { client: Anthropic; model: string } {
  const env = agentEnv();
  if (!env.ANTHROPIC_API_KEY) throw new RunnerNotConfiguredError("The anthropic runner is not set up: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for another endpoint) in Switchboard's environment");
  return {
    client: new Anthropic({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL, maxRetries: 1, timeout: 10 * 60_000 }),
    model: env.SWITCHBOARD_ANTHROPIC_MODEL,
  };
}

/** The gateway's tools as the Messages API takes them (also what `npm run bench` weighs). */
export function anthropicTools(tools: readonly GatewayTool[]): AnthropicTool[] {
  return tools.map((t) => ({ name: t.name, description: t.description.slice(0, 4_000), input_schema: { ...t.inputSchema, type: "object" } }));
}

export class AnthropicRunner implements AgentRunner {
  readonly name = "anthropic" as const;

  async status(): Promise<RunnerStatus> {
    const env = agentEnv();
    if (!env.ANTHROPIC_API_KEY) return { runner: this.name, usable: false, detail: "ANTHROPIC_API_KEY is not set", hint: "Set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for another endpoint)" };
    return { runner: this.name, usable: true, detail: `ANTHROPIC_API_KEY set; endpoint ${env.ANTHROPIC_BASE_URL ?? "api.anthropic.com"}; default model ${env.SWITCHBOARD_ANTHROPIC_MODEL}` };
  }

  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const { client: api, model: defaultModel } = client();
    const model = req.model ?? defaultModel;
    const tools = anthropicTools(await req.gateway.listTools());
    const messages: MessageParam[] = [{ role: "user", content: req.prompt }];
    let usage = NO_USAGE;
    for (let turn = 1; turn <= req.maxTurns; turn++) {
      let message: Anthropic.Message;
      await req.beforeModelCall?.({ turn, requestChars: () => JSON.stringify({ messages, tools }).length });
      try {
        const stream = api.messages.stream({ model, max_tokens: MAX_OUTPUT_TOKENS, messages, ...(tools.length ? { tools } : {}) }, { signal: req.signal });
        message = await stream.finalMessage();
      } catch (error) {
        if (req.signal.aborted || error instanceof APIUserAbortError) throw req.signal.reason ?? error;
        throw modelApiError("Anthropic", error, error instanceof APIError ? error.status : undefined);
      }
      const turnUsage = {
        inputTokens: message.usage.input_tokens ?? 0,
        outputTokens: message.usage.output_tokens ?? 0,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      };
      usage = addUsage(usage, turnUsage);
      req.emit({ type: "usage", usage: turnUsage, model: message.model });
      const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
      if (text) req.emit({ type: "text", text });
      const calls = message.content.flatMap((b) => (b.type === "tool_use" ? [b] : []));
      if (message.stop_reason !== "tool_use" || calls.length === 0) {
        if (message.stop_reason === "max_tokens" && !text) throw new AgentRunError(`The model stopped at its output limit (${MAX_OUTPUT_TOKENS} tokens) without an answer`);
        return { text, usage, turns: turn, model: message.model || model };
      }
      messages.push({ role: "assistant", content: message.content });
      const results: ToolResultBlockParam[] = [];
      for (const call of calls) {
        req.emit({ type: "tool", name: liveToolName(call.name, call.input) });
        const result = await req.gateway.call(call.name, call.input, { signal: req.signal });
        if (req.signal.aborted) throw req.signal.reason;
        results.push({ type: "tool_result", tool_use_id: call.id, content: gatewayResultText(result), is_error: result.isError });
      }
      messages.push({ role: "user", content: results });
    }
    throw maxTurnsError(req.maxTurns);
  }
}
