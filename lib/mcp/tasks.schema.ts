// The shapes of MCP tasks on the wire (lib/mcp/tasks.ts), read loosely: a 2025-11-25 task has
// `pollInterval` and `ttl`, a 2026-07-28 one (the tasks extension) `pollIntervalMs`, `ttlMs` and, once
// ended, its `result` or `error` inline.
import { z } from "zod";

export const WireTaskSchema = z.looseObject({
  taskId: z.string(),
  status: z.string(),
  statusMessage: z.string().optional(),
  pollInterval: z.number().optional(),
  pollIntervalMs: z.number().optional(),
  ttl: z.number().nullable().optional(),
  ttlMs: z.number().nullable().optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
  /** 2026-07-28, while `input_required`: the server-to-client requests to fulfil with tasks/update */
  inputRequests: z.unknown().optional(),
  requestState: z.unknown().optional(),
});
export type WireTask = z.infer<typeof WireTaskSchema>;

/** Any result object: a tools/call answer (a result or a task), tasks/result, tasks/cancel. */
export const AnyResultSchema = z.looseObject({});
