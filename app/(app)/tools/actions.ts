"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { callToolAdHoc } from "@/lib/engine/adhoc-calls";
import { acceptChangedTool, approveClientServerEntry, revealClientServerEntry } from "@/lib/mcp/servers";
import { ZAcceptToolChangeInput, ZApproveServerInput, ZCallToolInput, ZRevealServerInput } from "@/lib/mcp/servers.schema";
import { toolCallReply } from "@/lib/mcp/tool-result";

// Deliberate exception to "long work never runs inside a request" (README, Development): the admin waits
// on /tools for this one call's answer, the call is still recorded as a run whose lease names this process,
// and it is bounded by ADHOC_TIMEOUT_MS (120 s). Queued, it would wait behind pipeline runs for a worker.
export const callToolAction = authAction({ schema: ZCallToolInput, role: "admin" }, async (input, user) => toolCallReply(await callToolAdHoc(input, { id: user.id, label: user.email })));

export const approveServerAction = authAction({ schema: ZApproveServerInput, role: "admin" }, async (input, user) => {
  await approveClientServerEntry(input, { id: user.id, label: user.email });
  revalidatePath("/tools");
  return { approved: true };
});

export const acceptToolChangeAction = authAction({ schema: ZAcceptToolChangeInput, role: "admin" }, async (input, user) => {
  await acceptChangedTool(input, { id: user.id, label: user.email });
  revalidatePath("/tools");
  return { accepted: true };
});

/** An admin's explicit "reveal": the entry under review with its env and header values unmasked (audited). */
export const revealServerAction = authAction({ schema: ZRevealServerInput, role: "admin" }, async (input, user) => revealClientServerEntry(input, { id: user.id, label: user.email }));
