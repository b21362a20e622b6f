// Test support: an MCP server over Streamable HTTP whose tool answers with a task (the v1 SDK's
// experimental tasks, revision 2025-11-25; startModernTaskServer: 2026-07-28's tasks extension), served statelessly on a local port by serveFetchHandler. Its
// tasks live in this process (one task store for every request, bound to no session), so they outlive
// Switchboard's pool and worker: a restarted worker can poll the same task. The test drives each task:
// `say` sets its status message, `finish` completes it; the server records every tools/call it got (with
// the call's idempotency key) and every tasks/cancel. The 2026-07-28 server's `ask` also puts a task in
// `input_required` with one form elicitation; the tasks/update that answers it (recorded) completes the task
// with "Hello, <name>" a few polls later (the first poll after the answer still shows the question; with
// `hold`, every poll does until the test calls `finish`); with `askOnCreate`, every task starts by asking.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { InMemoryTaskStore } from "@modelcontextprotocol/sdk/experimental/tasks";
import { ProtocolError } from "@modelcontextprotocol/server";
import { randomUUID } from "node:crypto";
import { serveFetchHandler } from "@/lib/testing/fetch-server";
import { JobArgsSchema, JobArgsShape, TaskIdParamsSchema } from "@/lib/testing/task-server.schema";

const IDEMPOTENCY_META_KEY = "io.switchboard/idempotency-key";
const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

export type TaskServer = {
  url: string;
  /** tools/call of `job` as received: its label, the task it got, the call's idempotency key */
  readonly calls: { label: string; taskId: string; key: string | null }[];
  /** task ids of every tasks/cancel received */
  readonly cancels: string[];
  /** tasks/get received, per task id */
  readonly gets: Map<string, number>;
  taskOf(label: string): string | undefined;
  say(label: string, message: string): Promise<void>;
  finish(label: string, text: string): Promise<void>;
  status(label: string): Promise<{ status: string; statusMessage?: string } | null>;
  close(): Promise<void>;
};

export async function startTaskServer(options: { pollIntervalMs?: number } = {}): Promise<TaskServer> {
  const store = new InMemoryTaskStore();
  const calls: TaskServer["calls"] = [];
  const cancels: string[] = [];
  const gets = new Map<string, number>();
  const taskOf = (label: string) => calls.find((c) => c.label === label)?.taskId;

  function server(): McpServer {
    const mcp = new McpServer({ name: "switchboard-test-tasks", version: "1.0.0" }, { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore: store });
    mcp.experimental.tasks.registerToolTask(
      "job",
      {
        description: "A long job: it runs as a task until the test finishes it",
        inputSchema: JobArgsShape,
        execution: { taskSupport: "required" },
        annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false },
      },
      {
        createTask: async ({ label }, extra) => {
          const task = await extra.taskStore.createTask({ ttl: 10 * 60_000, pollInterval: options.pollIntervalMs ?? 100 });
          await extra.taskStore.updateTaskStatus(task.taskId, "working", "Queued");
          const key = (extra._meta as Record<string, unknown> | undefined)?.[IDEMPOTENCY_META_KEY];
          calls.push({ label, taskId: task.taskId, key: typeof key === "string" ? key : null });
          return { task: (await extra.taskStore.getTask(task.taskId)) ?? task };
        },
        getTask: async (_args, extra) => {
          const task = await extra.taskStore.getTask(extra.taskId);
          if (!task) throw new Error(`No task ${extra.taskId}`);
          return task;
        },
        getTaskResult: async (_args, extra) => (await extra.taskStore.getTaskResult(extra.taskId)) as { content: { type: "text"; text: string }[] },
      },
    );
    return mcp;
  }

  const served = await serveFetchHandler(async (req) => {
    let body: unknown;
    if (req.method === "POST") {
      body = await req.json();
      for (const message of Array.isArray(body) ? body : [body]) {
        const { method, params } = message as { method?: string; params?: { taskId?: string } };
        if (method === "tasks/cancel" && params?.taskId) cancels.push(params.taskId);
        if (method === "tasks/get" && params?.taskId) gets.set(params.taskId, (gets.get(params.taskId) ?? 0) + 1);
      }
    }
    const mcp = server();
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    try {
      return await transport.handleRequest(req, body === undefined ? undefined : { parsedBody: body });
    } finally {
      await mcp.close().catch(() => undefined);
    }
  }, "/mcp");

  const known = (label: string) => {
    const id = taskOf(label);
    if (!id) throw new Error(`No task for "${label}" yet`);
    return id;
  };
  return {
    url: served.url,
    calls,
    cancels,
    gets,
    taskOf,
    say: (label, message) => store.updateTaskStatus(known(label), "working", message),
    finish: (label, text) => store.storeTaskResult(known(label), "completed", { content: [{ type: "text", text }] }),
    status: async (label) => {
      const id = taskOf(label);
      const task = id ? await store.getTask(id) : null;
      return task ? { status: task.status, statusMessage: task.statusMessage } : null;
    },
    close: async () => {
      store.cleanup();
      await served.close();
    },
  };
}

type ModernTask = {
  taskId: string;
  status: "working" | "input_required" | "completed" | "cancelled";
  statusMessage: string;
  createdAt: string;
  lastUpdatedAt: string;
  result?: { content: { type: "text"; text: string }[] };
  /** outstanding while input_required: one form elicitation under its key */
  inputRequests?: Record<string, { method: string; params: Record<string, unknown> }>;
  /**
   * the answer's text, and how many polls saw the task since: the first still shows the question (the ack is
   * eventually consistent, so a client must not ask again), the next the task working, the third its result
   */
  answered?: { text: string; polls: number };
  /** `ask(..., { hold: true })`: after the answer the question stays shown (not yet taken in) until `finish` */
  hold?: boolean;
};

/** The 2026-07-28 task server: a task can also ask the client a question mid-task (input_required), answered with tasks/update. */
export type ModernTaskServer = TaskServer & {
  /** the task of `label` asks for a name under `key` (input_required with one form elicitation); the answer completes it */
  ask(label: string, key: string, message: string, options?: { hold?: boolean; method?: string }): Promise<void>;
  /** every tasks/update received, as sent */
  readonly updates: { taskId: string; inputResponses: Record<string, unknown> }[];
};

/**
 * The same server in revision 2026-07-28 with the tasks extension (io.modelcontextprotocol/tasks), made
 * with the v2 server package (which has no task runtime of its own): `job` answers a client that declares
 * the extension with `resultType: "task"`, and `tasks/get` (the result inline once completed) and
 * `tasks/cancel` are its own handlers. Initialize is refused: it speaks only 2026-07-28.
 */
export async function startModernTaskServer(options: { pollIntervalMs?: number; askOnCreate?: { key: string; message: string } } = {}): Promise<ModernTaskServer> {
  const { createMcpHandler, McpServer: ModernServer } = await import("@modelcontextprotocol/server");
  const board = new Map<string, ModernTask>();
  const calls: TaskServer["calls"] = [];
  const cancels: string[] = [];
  const gets = new Map<string, number>();
  const updates: ModernTaskServer["updates"] = [];
  const taskOf = (label: string) => calls.find((c) => c.label === label)?.taskId;
  const view = ({ answered: _answered, ...task }: ModernTask) => ({ ...task, ttlMs: 10 * 60_000, pollIntervalMs: options.pollIntervalMs ?? 100 });
  const touch = (task: ModernTask, change: Partial<ModernTask>) => Object.assign(task, change, { lastUpdatedAt: new Date().toISOString() });
  const question = (key: string, message: string, method = "elicitation/create"): Partial<ModernTask> => ({
    status: "input_required",
    statusMessage: "Waiting for a name",
    // a new question: any earlier answer is spent
    answered: undefined,
    inputRequests: {
      [key]:
        method === "elicitation/create"
          ? { method, params: { mode: "form", message, requestedSchema: { type: "object", properties: { name: { type: "string", title: "Name" } }, required: ["name"] } } }
          : { method, params: { messages: [{ role: "user", content: { type: "text", text: message } }], maxTokens: 100 } },
    },
  });

  function server() {
    const mcp = new ModernServer({ name: "switchboard-test-modern-tasks", version: "1.0.0" }, { capabilities: { tools: {}, extensions: { [TASKS_EXTENSION]: {} } } });
    mcp.registerTool("job", { description: "A long job: it runs as a task until the test finishes it", inputSchema: JobArgsSchema }, async ({ label }, ctx) => {
      const meta = ctx.mcpReq._meta as Record<string, unknown> | undefined;
      const key = meta?.[IDEMPOTENCY_META_KEY];
      const now = new Date().toISOString();
      const asks = options.askOnCreate ? question(options.askOnCreate.key, options.askOnCreate.message) : {};
      const task: ModernTask = { taskId: randomUUID(), status: "working", statusMessage: "Queued", createdAt: now, lastUpdatedAt: now, ...asks };
      board.set(task.taskId, task);
      calls.push({ label, taskId: task.taskId, key: typeof key === "string" ? key : null });
      // a CreateTaskResult is a Task: its questions (inputRequests) come with tasks/get
      const { inputRequests: _questions, ...handle } = view(task);
      return { resultType: "task", ...handle } as unknown as { content: [] };
    });
    mcp.server.setRequestHandler("tasks/get", { params: TaskIdParamsSchema }, async ({ taskId }) => {
      gets.set(taskId, (gets.get(taskId) ?? 0) + 1);
      const task = board.get(taskId);
      if (!task) throw new ProtocolError(-32602, `Task not found: ${taskId}`);
      // after an answer: the question once more (not yet taken in), then working, then the result
      const answered = task.answered;
      if (answered && !task.hold && (task.status === "input_required" || task.status === "working")) {
        answered.polls += 1;
        if (answered.polls === 2) touch(task, { status: "working", statusMessage: "Answer received", inputRequests: undefined });
        if (answered.polls === 3) touch(task, { status: "completed", statusMessage: "Done", result: { content: [{ type: "text", text: answered.text }] } });
      }
      return view(task);
    });
    mcp.server.setRequestHandler("tasks/update", { params: TaskIdParamsSchema }, async ({ taskId }, ctx) => {
      // the v2 server lifts a 2026-07-28 request's inputResponses out of its params, into the request's context
      const inputResponses = (ctx.mcpReq.inputResponses ?? {}) as Record<string, { action?: string; content?: { name?: unknown } }>;
      updates.push({ taskId, inputResponses });
      const task = board.get(taskId);
      if (!task) throw new ProtocolError(-32602, `Task not found: ${taskId}`);
      // a response to a key that is not outstanding is ignored (the spec's SHOULD)
      const key = Object.keys(task.inputRequests ?? {}).find((k) => k in inputResponses);
      if (task.status !== "input_required" || key === undefined || task.answered) return {};
      const answer = inputResponses[key];
      const text = answer.action === "accept" && typeof answer.content?.name === "string" ? `Hello, ${answer.content.name}` : `No name (${answer.action ?? "no action"})`;
      task.answered = { text, polls: 0 };
      return {};
    });
    mcp.server.setRequestHandler("tasks/cancel", { params: TaskIdParamsSchema }, async ({ taskId }) => {
      cancels.push(taskId);
      const task = board.get(taskId);
      if (!task) throw new ProtocolError(-32602, `Task not found: ${taskId}`);
      if (task.status === "working" || task.status === "input_required") touch(task, { status: "cancelled", statusMessage: "Cancelled by the client", inputRequests: undefined });
      return {};
    });
    return mcp;
  }

  const handler = createMcpHandler(() => server(), { legacy: "reject" });
  const served = await serveFetchHandler((req) => handler.fetch(req), "/mcp");
  const known = (label: string) => {
    const task = board.get(taskOf(label) ?? "");
    if (!task) throw new Error(`No task for "${label}" yet`);
    return task;
  };
  return {
    url: served.url,
    calls,
    cancels,
    gets,
    updates,
    taskOf,
    ask: async (label, key, message, ask = {}) => void touch(known(label), { hold: ask.hold === true, ...question(key, message, ask.method) }),
    say: async (label, message) => void touch(known(label), { statusMessage: message }),
    finish: async (label, text) => void touch(known(label), { status: "completed", result: { content: [{ type: "text", text }] } }),
    status: async (label) => {
      const task = board.get(taskOf(label) ?? "");
      return task ? { status: task.status, statusMessage: task.statusMessage } : null;
    },
    close: () => served.close(),
  };
}
