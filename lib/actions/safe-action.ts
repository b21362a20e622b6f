// The one wrapper every server action is built on. Server actions are public POST endpoints: each one
// checks Host, Origin, the session and the role itself, and parses its input with zod.
import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { publicMessage, SafeError } from "@/lib/errors";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

type Options<S extends z.ZodType> = { schema: S; role?: "admin" };

export function authAction<S extends z.ZodType, T>(options: Options<S>, fn: (input: z.output<S>, user: SessionUser) => Promise<T>): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    try {
      const h = await headers();
      if (!isAllowedHost(h.get("host"), env().SWITCHBOARD_URL)) return { ok: false, error: "Host not allowed" };
      if (isCrossSiteWrite("POST", h)) return { ok: false, error: "Cross-site request refused" };
      const user = await currentUser();
      if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
      if (options.role === "admin" && user.role !== "admin") return { ok: false, error: "Only an admin can do that" };
      const parsed = options.schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "_"] ??= []).push(issue.message);
        return { ok: false, error: "Check the highlighted fields", fieldErrors };
      }
      return { ok: true, data: await fn(parsed.data, user) };
    } catch (error) {
      unstable_rethrow(error);
      if (!(error instanceof SafeError)) console.error("[action] unexpected error", error);
      return { ok: false, error: publicMessage(error) };
    }
  };
}
