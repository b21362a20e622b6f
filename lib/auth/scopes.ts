// What an API token may do, by scope. A session (a person in the browser) is limited by role only.
import type { TokenScope } from "@/lib/auth/tokens.schema";
import type { SessionUser } from "@/lib/auth/users";

const RANK: Record<TokenScope, number> = { read: 0, run: 1, admin: 2 };

/** True when the caller's token (if any) has at least the scope `need`. */
export function tokenAllows(user: SessionUser, need: TokenScope): boolean {
  if (!user.tokenScope) return true;
  return RANK[user.tokenScope] >= RANK[need];
}

/** The scope a request needs when its route names none: reading needs `read`; any change needs `admin`. */
export function defaultScopeFor(method: string): TokenScope {
  return ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase()) ? "read" : "admin";
}

/** An admin acting with an admin's full rights: a session, or a token of the `admin` scope. */
export function actsAsAdmin(user: SessionUser): boolean {
  return user.role === "admin" && tokenAllows(user, "admin");
}
