// The wire side of MCP tasks, apart from their polling (tasks.ts) so the pool can use it: which calls
// are sent as tasks (2025-11-25), the tasks extension of 2026-07-28 (declared by the pool's client), and
// how a task handle in a tools/call answer is recognised, including one the v2 client would refuse.
import "server-only";
import { WireTaskSchema as TaskSchema, type WireTask } from "@/lib/mcp/tasks.schema";

export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";
/** The `_meta` key a 2025-11-25 server puts on a task's messages (and its tasks/result). */
export const RELATED_TASK_META_KEY = "io.modelcontextprotocol/related-task";

/** Which task vocabulary the server spoke: 2025-11-25 (core, experimental) or 2026-07-28 (the extension). */
export type TaskWire = "2025-11-25" | "2026-07-28";

type ToolLike = { execution?: { taskSupport?: string } };
type ServerCapabilitiesLike = { tasks?: { requests?: { tools?: { call?: object } } } } | undefined;

/**
 * Whether a call of `tool` is sent as a task (2025-11-25): the tool requires it, or offers it on a server
 * that declares task-augmented tools/call.
 */
export function callsAsTask(tool: ToolLike, capabilities: ServerCapabilitiesLike): boolean {
  const support = tool.execution?.taskSupport;
  if (support === "required") return true;
  return support === "optional" && capabilities?.tasks?.requests?.tools?.call !== undefined;
}

/**
 * Where acceptTaskHandles moves a 2026-07-28 task handle. The v2 client (2.4.0) has no task runtime and
 * refuses a tools/call answer with `resultType: "task"` ("Unsupported result type"), callTool and a
 * request with its own result schema alike.
 */
export const TASK_HANDLE_META_KEY = "io.switchboard/task-handle";

type MessageSink = ((message: unknown, extra?: unknown) => void) | undefined;

/**
 * Lets a 2026-07-28 task handle through the v2 client: after `client.connect(transport)`, each answer with
 * `resultType: "task"` reaches the client as a plain result (`resultType: "complete"`, no content) that
 * carries the handle in `_meta[TASK_HANDLE_META_KEY]`, where taskOfCallResult finds it. A client that
 * declares the tasks extension must take a task in answer to any tools/call.
 */
export function acceptTaskHandles(transport: { onmessage?: MessageSink }): void {
  const deliver = transport.onmessage;
  if (!deliver) throw new Error("acceptTaskHandles: connect the client first");
  transport.onmessage = (message: unknown, extra?: unknown) => {
    const result = (message as { result?: Record<string, unknown> } | null)?.result;
    if (result && typeof result === "object" && result.resultType === "task") {
      const { _meta, ...handle } = result;
      const meta = _meta && typeof _meta === "object" ? (_meta as Record<string, unknown>) : {};
      deliver.call(transport, { ...(message as object), result: { resultType: "complete", content: [], _meta: { ...meta, [TASK_HANDLE_META_KEY]: handle } } }, extra);
      return;
    }
    deliver.call(transport, message, extra);
  };
}

/** The task inside a tools/call answer, if it is one: 2025-11-25 `{ task }` or 2026-07-28 `resultType: "task"`. */
export function taskOfCallResult(result: Record<string, unknown>): { task: WireTask; wire: TaskWire } | null {
  const moved = (result._meta as Record<string, unknown> | undefined)?.[TASK_HANDLE_META_KEY];
  if (moved && typeof moved === "object") {
    const parsed = TaskSchema.safeParse(moved);
    return parsed.success ? { task: parsed.data, wire: "2026-07-28" } : null;
  }
  if (result.resultType === "task") {
    const parsed = TaskSchema.safeParse(result);
    return parsed.success ? { task: parsed.data, wire: "2026-07-28" } : null;
  }
  if (result.task && typeof result.task === "object") {
    const parsed = TaskSchema.safeParse(result.task);
    return parsed.success ? { task: parsed.data, wire: "2025-11-25" } : null;
  }
  return null;
}
