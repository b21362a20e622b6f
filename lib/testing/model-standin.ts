// A stand-in for the model APIs, for tests: a local HTTP server that speaks the real streaming formats
// of Anthropic's Messages API (/v1/messages), OpenAI's Chat Completions (/v1/chat/completions) and
// Responses API (/v1/responses, what codex uses), so the real SDKs and the real claude and codex CLIs
// talk to it as to the real service. Its behaviour is a script (`mode`); it imports nothing of the app.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type StandinMode =
  /** call the offered tool whose name ends in "echo", then answer with what it returned */
  | "echo"
  /** answer at once, without tools */
  | "answer"
  /** call the echo tool forever (for max_turns and timeouts) */
  | "loop"
  /** call a tool that was not offered, then answer with what came back */
  | "unlisted"
  /** answer with an API error (HTTP 400, the API's own error body) */
  | "api-error"
  /** start the stream and never finish it (for cancel) */
  | "hang"
  /**
   * call the offered tool named by `failingTool` with its arguments (a call that fails), then hang: only
   * the step failing on the tool's error ends the agent
   */
  | "tool-error"
  /** answer the first request with a tool call and its usage, then hang (for an interrupted step's tokens) */
  | "call-then-hang"
  /**
   * obey injected text: call the tool named by `injectedTool` (offered or not; the text named it), then
   * answer with what came back
   */
  | "injected"
  /**
   * call the tools in `builtinCalls` one after another (the runner's own, such as Read or exec_command,
   * offered or not), then answer with every result they returned
   */
  | "builtin"
  /**
   * obey what injected text in the conversation says, as a prompt-injected model would: for each
   * `⟦read <path>⟧` call every offered file tool on it (claude's Bash `cat` and Read, codex's
   * `exec_command` `cat`), for each `⟦run <command>⟧` the offered shell; then answer with every result
   * (or hang, after `⟦then-hang⟧`)
   */
  | "obey";

export const STANDIN_ECHO_MESSAGE = "hello from the stand-in";
export const STANDIN_USAGE = { input: 120, output: 30, cacheRead: 40, cacheWrite: 8, reasoning: 5 };

type Seen = { path: string; body: Record<string, unknown> };
export type StandinPlan = { kind: "text"; text: string } | { kind: "tool"; name: string; args: Record<string, unknown>; namespace?: string } | { kind: "hang" };
type Plan = StandinPlan;
/** A test's own script: given the offered tools and the last tool result, the next answer (null: the mode decides). */
export type StandinScript = (turn: { tools: { name: string; namespace?: string }[]; lastResult: string | null }) => StandinPlan | null;

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`;

function textOfContent(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === "string" ? c : ((c as { text?: string; output?: string }).text ?? ""))).join("\n");
  return "";
}

/** The offered tool names and the last tool result in a request, whatever the API. */
function readConversation(path: string, body: Record<string, unknown>): { tools: { name: string; namespace?: string }[]; lastResult: string | null; results: string[] } {
  const tools: { name: string; namespace?: string }[] = [];
  for (const t of (body.tools as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof t.name === "string" && t.type !== "namespace") tools.push({ name: t.name });
    const fn = t.function as { name?: string } | undefined;
    if (fn?.name) tools.push({ name: fn.name });
    if (t.type === "namespace" && Array.isArray(t.tools)) for (const inner of t.tools as { name?: string }[]) if (inner.name) tools.push({ name: inner.name, namespace: String(t.name) });
  }
  let lastResult: string | null = null;
  const results: string[] = [];
  const seen = (text: string) => {
    lastResult = text;
    results.push(text);
  };
  if (path.startsWith("/v1/messages")) {
    for (const m of (body.messages as { role: string; content: unknown }[]) ?? []) {
      if (m.role !== "user" || !Array.isArray(m.content)) continue;
      for (const block of m.content as { type?: string; content?: unknown }[]) if (block.type === "tool_result") seen(textOfContent(block.content));
    }
  } else if (path.startsWith("/v1/chat/completions")) {
    for (const m of (body.messages as { role: string; content: unknown }[]) ?? []) if (m.role === "tool") seen(textOfContent(m.content));
  } else {
    for (const item of (body.input as { type?: string; output?: unknown }[] | undefined) ?? []) {
      if (item.type === "function_call_output" || item.type === "mcp_tool_call_output" || item.type === "custom_tool_call_output") {
        const out = item.output;
        const text = typeof out === "string" ? out : textOfContent((out as { content?: unknown })?.content ?? out);
        // codex wraps a tool's output as "Wall time: ...\nOutput:\n<the tool's text>"
        seen(text.replace(/^Wall time:[^\n]*\nOutput:\n/, ""));
      }
    }
  }
  return { tools, lastResult, results };
}

type Call = { name: string; args: Record<string, unknown> };

/** What the injected text asks for (mode "obey"), as tool calls among the offered tools, in order. */
function obeyPlan(body: Record<string, unknown>, tools: { name: string }[]): { calls: Call[]; thenHang: boolean } {
  const text = JSON.stringify(body.messages ?? body.input ?? []);
  const has = (name: string) => tools.some((t) => t.name === name);
  const calls: Call[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/⟦(read|run) ([^⟧]+)⟧/g)) {
    const key = `${m[1]} ${m[2]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const command = m[1] === "read" ? `cat ${m[2]}` : m[2].replace(/\\"/g, '"');
    if (has("Bash")) calls.push({ name: "Bash", args: { command, description: "as the text says" } });
    if (m[1] === "read" && has("Read")) calls.push({ name: "Read", args: { file_path: m[2] } });
    if (has("exec_command")) calls.push({ name: "exec_command", args: { cmd: command } });
  }
  return { calls, thenHang: text.includes("⟦then-hang⟧") };
}

export class ModelStandin {
  mode: StandinMode = "echo";
  /** for "tool-error": the end of the tool's name and the arguments to call it with */
  failingTool = { suffix: "get-resource-reference", args: { resourceId: 0 } as Record<string, unknown> };
  /** for "injected": the tool's name as the API names it, and the arguments to call it with */
  injectedTool = { name: "", args: {} as Record<string, unknown> };
  /** for "builtin": the calls to make, in order (a name and its arguments; a namespace for codex's grouped tools) */
  builtinCalls: { name: string; args: Record<string, unknown>; namespace?: string }[] = [];
  /** when set, decides each answer first (e.g. call one tool, then another with what the first returned) */
  script: StandinScript | null = null;
  /** every request body, in order */
  readonly requests: Seen[] = [];
  private readonly open = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<ModelStandin> {
    let standin: ModelStandin | null = null;
    const server = http.createServer((req, res) => standin?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    standin = new ModelStandin(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return standin;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The requests made to one API ("/v1/messages", "/v1/chat/completions", "/v1/responses"). */
  requestsTo(prefix: string): Seen[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  private plan(path: string, body: Record<string, unknown>): Plan {
    const { tools, lastResult, results } = readConversation(path, body);
    const scripted = this.script?.({ tools, lastResult });
    if (scripted) return scripted;
    const echo = tools.find((t) => t.name.endsWith("echo"));
    if (this.mode === "hang") return { kind: "hang" };
    if (this.mode === "builtin") {
      const next = this.builtinCalls[results.length];
      return next ? { kind: "tool", name: next.name, namespace: next.namespace, args: next.args } : { kind: "text", text: `Final answer: ${results.join("\n---\n")}` };
    }
    if (this.mode === "obey") {
      const { calls, thenHang } = obeyPlan(body, tools);
      const next = calls[results.length];
      if (next) return { kind: "tool", name: next.name, args: next.args };
      if (thenHang) return { kind: "hang" };
      return { kind: "text", text: `Final answer:\n${results.join("\n---\n")}` };
    }
    if (this.mode === "answer" || tools.length === 0) return { kind: "text", text: '{"answer": "no tools needed"}' };
    if (this.mode === "loop" && echo) return { kind: "tool", name: echo.name, namespace: echo.namespace, args: { message: STANDIN_ECHO_MESSAGE } };
    if ((this.mode === "tool-error" || this.mode === "call-then-hang") && lastResult !== null) return { kind: "hang" };
    if (this.mode === "tool-error") {
      // codex offers MCP tools under names with "-" turned into "_"
      const plain = (name: string) => name.replace(/[^A-Za-z0-9]/g, "_");
      const failing = tools.find((t) => plain(t.name).endsWith(plain(this.failingTool.suffix)));
      if (failing) return { kind: "tool", name: failing.name, namespace: failing.namespace, args: this.failingTool.args };
    }
    if (this.mode === "injected" && lastResult === null) {
      // codex: the gateway's tools sit in a namespace of their own, beside its built-ins
      const namespace = tools.find((t) => t.namespace?.startsWith("mcp__"))?.namespace;
      return { kind: "tool", name: this.injectedTool.name, namespace, args: this.injectedTool.args };
    }
    if (lastResult !== null) return { kind: "text", text: `Final answer: ${lastResult}` };
    if (this.mode === "unlisted") {
      const any = tools[0];
      return { kind: "tool", name: any.name.replace(/[^_]*$/, "not-listed"), namespace: any.namespace, args: {} };
    }
    if (echo) return { kind: "tool", name: echo.name, namespace: echo.namespace, args: { message: STANDIN_ECHO_MESSAGE } };
    return { kind: "text", text: "no echo tool was offered" };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0];
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        // an unreadable body is answered like any request
      }
      this.requests.push({ path, body });
      if (req.method === "GET" && path.startsWith("/v1/models")) return json(res, 200, { object: "list", data: [{ id: "standin-model", object: "model" }] });
      if (req.method !== "POST") return json(res, 404, { error: { message: "not found" } });
      if (this.mode === "api-error") {
        return path.startsWith("/v1/messages")
          ? json(res, 400, { type: "error", error: { type: "invalid_request_error", message: "stand-in: the model is not available" } })
          : json(res, 400, { error: { message: "stand-in: the model is not available", type: "invalid_request_error", code: "model_not_found" } });
      }
      const model = typeof body.model === "string" ? body.model : "standin-model";
      const plan = this.plan(path, body);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      this.open.add(res);
      res.on("close", () => this.open.delete(res));
      if (path.startsWith("/v1/messages")) anthropicStream(res, model, plan);
      else if (path.startsWith("/v1/chat/completions")) chatStream(res, model, plan, body);
      else if (path.startsWith("/v1/responses")) responsesStream(res, model, plan);
      else json(res, 404, { error: { message: `no such endpoint ${path}` } });
    });
  }
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sse(res: http.ServerResponse, event: string | null, data: unknown) {
  res.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

function anthropicStream(res: http.ServerResponse, model: string, plan: Plan) {
  const u = STANDIN_USAGE;
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id: nextId("msg"),
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: u.input, output_tokens: 1, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite },
    },
  });
  if (plan.kind === "hang") return;
  if (plan.kind === "text") {
    sse(res, "content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    sse(res, "content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: plan.text } });
  } else {
    sse(res, "content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: nextId("toolu"), name: plan.name, input: {} } });
    sse(res, "content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(plan.args) } });
  }
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  sse(res, "message_delta", { type: "message_delta", delta: { stop_reason: plan.kind === "text" ? "end_turn" : "tool_use", stop_sequence: null }, usage: { output_tokens: u.output } });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

function chatStream(res: http.ServerResponse, model: string, plan: Plan, body: Record<string, unknown>) {
  const id = nextId("chatcmpl");
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse(res, null, { id, object: "chat.completion.chunk", created, model, choices, ...extra });
  chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  if (plan.kind === "hang") return;
  if (plan.kind === "text") {
    chunk([{ index: 0, delta: { content: plan.text }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
  } else {
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: nextId("call"), type: "function", function: { name: plan.name, arguments: "" } }] }, finish_reason: null }]);
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: JSON.stringify(plan.args) } }] }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
  }
  const u = STANDIN_USAGE;
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
    chunk([], {
      usage: {
        prompt_tokens: u.input,
        completion_tokens: u.output,
        total_tokens: u.input + u.output,
        prompt_tokens_details: { cached_tokens: u.cacheRead },
        completion_tokens_details: { reasoning_tokens: u.reasoning },
      },
    });
  }
  sse(res, null, "[DONE]");
  res.end();
}

function responsesStream(res: http.ServerResponse, model: string, plan: Plan) {
  const id = nextId("resp");
  const base = { id, object: "response", created_at: Math.floor(Date.now() / 1000), model, output: [] as unknown[] };
  sse(res, "response.created", { type: "response.created", response: { ...base, status: "in_progress" } });
  if (plan.kind === "hang") return;
  let item: Record<string, unknown>;
  if (plan.kind === "text") {
    const msgId = nextId("msg");
    sse(res, "response.output_item.added", { type: "response.output_item.added", output_index: 0, item: { type: "message", id: msgId, role: "assistant", status: "in_progress", content: [] } });
    sse(res, "response.output_text.delta", { type: "response.output_text.delta", item_id: msgId, output_index: 0, content_index: 0, delta: plan.text });
    item = { type: "message", id: msgId, role: "assistant", status: "completed", content: [{ type: "output_text", text: plan.text, annotations: [] }] };
  } else {
    item = { type: "function_call", id: nextId("fc"), call_id: nextId("call"), name: plan.name, ...(plan.namespace ? { namespace: plan.namespace } : {}), arguments: JSON.stringify(plan.args), status: "completed" };
    sse(res, "response.output_item.added", { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", arguments: "" } });
  }
  sse(res, "response.output_item.done", { type: "response.output_item.done", output_index: 0, item });
  const u = STANDIN_USAGE;
  sse(res, "response.completed", {
    type: "response.completed",
    response: {
      ...base,
      status: "completed",
      output: [item],
      usage: { input_tokens: u.input, input_tokens_details: { cached_tokens: u.cacheRead }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: u.reasoning }, total_tokens: u.input + u.output },
    },
  });
  res.end();
}
