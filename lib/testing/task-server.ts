// Test support: an MCP server over Streamable HTTP whose tool answers with a task (the v1 SDK's
// experimental tasks, revision 2025-11-25), served statelessly on a local port by serveFetchHandler. Its
// tasks live in this process (one task store for every request, bound to no session), so they outlive
// Switchboard's pool and worker: a restarted worker can poll the same task. The test drives each task:
// `say` sets its status message, `finish` completes it; the server records every tools/call it got (with
// the call's idempotency key) and every tasks/cancel.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { InMemoryTaskStore } from "@modelcontextprotocol/sdk/experimental/tasks";
import { serveFetchHandler } from "@/lib/testing/fetch-server";
import { JobArgsShape } from "@/lib/testing/task-server.schema";

const IDEMPOTENCY_META_KEY = "io.switchboard/idempotency-key";

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
