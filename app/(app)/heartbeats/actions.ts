"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { pauseHeartbeat, regeneratePingToken, resumeHeartbeat, runHeartbeatNow } from "@/lib/heartbeats/control";
import { ZHeartbeatSlugInput } from "@/lib/heartbeats/heartbeats.schema";

const actor = (user: { id: string; email: string }) => ({ id: user.id, label: user.email });

export const pauseHeartbeatAction = authAction({ schema: ZHeartbeatSlugInput }, async ({ slug }, user) => {
  const result = await pauseHeartbeat(slug, actor(user));
  revalidatePath(`/heartbeats/${slug}`);
  return result;
});

export const resumeHeartbeatAction = authAction({ schema: ZHeartbeatSlugInput }, async ({ slug }, user) => {
  const result = await resumeHeartbeat(slug, actor(user));
  revalidatePath(`/heartbeats/${slug}`);
  return result;
});

export const runHeartbeatNowAction = authAction({ schema: ZHeartbeatSlugInput }, async ({ slug }, user) => {
  const result = await runHeartbeatNow(slug, actor(user));
  revalidatePath(`/heartbeats/${slug}`);
  return result;
});

export const regeneratePingTokenAction = authAction({ schema: ZHeartbeatSlugInput, role: "admin" }, async ({ slug }, user) => {
  await regeneratePingToken(slug, actor(user));
  revalidatePath(`/heartbeats/${slug}`);
  return { ok: true };
});
