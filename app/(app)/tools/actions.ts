"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/actions/safe-action";
import { callToolAdHoc } from "@/lib/engine/adhoc-calls";
import { acceptChangedTool, approveClientServerEntry } from "@/lib/mcp/servers";

export const callToolAction = authAction(
  { schema: z.object({ server: z.string().min(1).max(64), tool: z.string().min(1).max(128), arguments: z.record(z.string(), z.unknown()) }), role: "admin" },
  async (input, user) => {
    const r = await callToolAdHoc(input, { id: user.id, label: user.email });
    return { content: r.content, structuredContent: r.structuredContent, isError: r.isError, error: r.error ?? null, durationMs: r.durationMs, runId: r.runId, truncated: r.truncated };
  },
);

export const approveServerAction = authAction(
  { schema: z.object({ slug: z.string().max(64), name: z.string().max(64), contentHash: z.string().length(64), allowedVars: z.array(z.string().max(128)).max(50) }), role: "admin" },
  async (input, user) => {
    await approveClientServerEntry(input, { id: user.id, label: user.email });
    revalidatePath("/tools");
    return { approved: true };
  },
);

export const acceptToolChangeAction = authAction(
  { schema: z.object({ scope: z.string().max(64), server: z.string().max(64), tool: z.string().max(128) }), role: "admin" },
  async (input, user) => {
    await acceptChangedTool(input, { id: user.id, label: user.email });
    revalidatePath("/tools");
    return { accepted: true };
  },
);
