// The `openai` runner: Chat Completions with tools through the `openai` package, against OpenAI or any
// compatible server (a local Ollama or llama.cpp: OPENAI_BASE_URL). Streams each turn, gathers the
// tool calls from the deltas, sends them through the gateway, until the model answers or max_turns.
import "server-only";
import OpenAI, { APIError, APIUserAbortError } from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { agentEnv } from "@/lib/env";
import { type GatewayTool, gatewayResultText } from "@/lib/mcp/gateway";
import { liveToolName } from "@/lib/mcp/tool-search";
import { modelApiError } from "@/lib/agents/model-api-error";
import { addUsage, maxTurnsError, NO_USAGE, RunnerNotConfiguredError, type AgentRunner, type AgentRunRequest, type AgentRunResult, type RunnerStatus, type TokenUsage } from "@/lib/agents/runner";

function client(): { client: OpenAI; model: string } {
  const env = agentEnv();
  // a local server needs no key, but the client wants one: any value works there
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    throw new RunnerNotConfiguredError("The openai runner is not set up: set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server such as a local Ollama");
  }
  return {
    client: new OpenAI({ apiKey: env.OPENAI_API_KEY ?? "none", baseURL: env.OPENAI_BASE_URL, maxRetries: 1, timeout: 10 * 60_000 }),
    model: env.SWITCHBOARD_OPENAI_MODEL,
  };
}

/** The gateway's tools as Chat Completions takes them (also what `npm run bench` weighs). */
export function openAiTools(tools: readonly GatewayTool[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description.slice(0, 1_024), parameters: { ...t.inputSchema, type: "object" } } }));
}

type PendingCall = { id: string; name: string; arguments: string };

export class OpenAiRunner implements AgentRunner {
  readonly name = "openai" as const;

  async status(): Promise<RunnerStatus> {
    const env = agentEnv();
    if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL)
      return { runner: this.name, usable: false, detail: "Neither OPENAI_API_KEY nor OPENAI_BASE_URL is set", hint: "Set OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server" };
    return {
      runner: this.name,
      usable: true,
      detail: `${env.OPENAI_API_KEY ? "OPENAI_API_KEY set" : "no key (local server)"}; endpoint ${env.OPENAI_BASE_URL ?? "api.openai.com"}; default model ${env.SWITCHBOARD_OPENAI_MODEL}`,
    };
  }

  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const { client: api, model: defaultModel } = client();
    const model = req.model ?? defaultModel;
    const tools = openAiTools(await req.gateway.listTools());
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: req.prompt }];
    let usage = NO_USAGE;
    let reportedModel: string | null = null;
    for (let turn = 1; turn <= req.maxTurns; turn++) {
      let text = "";
      let turnUsage: Partial<TokenUsage> | null = null;
      const calls = new Map<number, PendingCall>();
      await req.beforeModelCall?.({ turn, requestChars: () => JSON.stringify({ messages, tools }).length });
      try {
        const stream = await api.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true }, ...(tools.length ? { tools } : {}) }, { signal: req.signal });
        for await (const chunk of stream) {
          reportedModel = chunk.model || reportedModel;
          if (chunk.usage) {
            // OpenAI counts cached tokens inside prompt_tokens; Switchboard keeps them apart, as Anthropic does
            const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
            turnUsage = {
              inputTokens: Math.max(0, (chunk.usage.prompt_tokens ?? 0) - cached),
              outputTokens: chunk.usage.completion_tokens ?? 0,
              cacheReadTokens: cached,
              reasoningTokens: chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0,
            };
          }
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.delta?.content) text += choice.delta.content;
          for (const d of choice.delta?.tool_calls ?? []) {
            const call = calls.get(d.index) ?? { id: "", name: "", arguments: "" };
            if (d.id) call.id = d.id;
            if (d.function?.name) call.name += d.function.name;
            if (d.function?.arguments) call.arguments += d.function.arguments;
            calls.set(d.index, call);
          }
        }
      } catch (error) {
        if (req.signal.aborted || error instanceof APIUserAbortError) throw req.signal.reason ?? error;
        throw modelApiError("OpenAI-compatible", error, error instanceof APIError ? error.status : undefined);
      }
      // an abort mid-stream can end the iteration quietly, which would read as an empty answer
      if (req.signal.aborted) throw req.signal.reason;
      if (turnUsage) {
        usage = addUsage(usage, turnUsage);
        req.emit({ type: "usage", usage: turnUsage, model: reportedModel });
      }
      if (text) req.emit({ type: "text", text });
      const pending = [...calls.values()].filter((c) => c.name);
      // some compatible servers end a tool-calling turn with "stop": the calls themselves decide
      if (pending.length === 0) {
        return { text, usage, turns: turn, model: reportedModel ?? model };
      }
      for (const [i, c] of pending.entries()) c.id ||= `call_${turn}_${i}`;
      messages.push({
        role: "assistant",
        content: text || null,
        tool_calls: pending.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments || "{}" } })),
      });
      for (const call of pending) {
        req.emit({ type: "tool", name: liveToolName(call.name, call.arguments) });
        let args: unknown;
        try {
          args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
        } catch {
          args = call.arguments;
        }
        const result = await req.gateway.call(call.name, args, { signal: req.signal });
        if (req.signal.aborted) throw req.signal.reason;
        messages.push({ role: "tool", tool_call_id: call.id, content: gatewayResultText(result) || (result.isError ? "error" : "(empty)") });
      }
    }
    throw maxTurnsError(req.maxTurns);
  }
}
