"use server";
// The one server action that works without a session: it can only ever create the first user.
import { headers } from "next/headers";
import type { ActionResult } from "@/lib/actions/safe-action";
import { createFirstAdmin } from "@/lib/auth/users";
import { ZFirstAdminInput } from "@/lib/auth/users.schema";
import { env } from "@/lib/env";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";
import { recordAudit } from "@/lib/audit";

export async function createFirstAdminAction(input: { email: string; name: string; password: string }): Promise<ActionResult<{ email: string }>> {
  const h = await headers();
  if (!isAllowedHost(h.get("host"), env().SWITCHBOARD_URL) || isCrossSiteWrite("POST", h)) return { ok: false, error: "Request refused" };
  const parsed = ZFirstAdminInput.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
    return { ok: false, error: "Check the highlighted fields", fieldErrors };
  }
  const admin = await createFirstAdmin(parsed.data);
  if (!admin) return { ok: false, error: "An admin already exists. Sign in instead." };
  await recordAudit({ actor: { id: admin.id, label: admin.email }, action: "user.create-first-admin", targetType: "user", targetId: admin.id });
  return { ok: true, data: { email: admin.email } };
}
