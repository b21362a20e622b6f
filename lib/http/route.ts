// The one wrapper every route handler is built on: Host and Origin checks, then the session or a bearer
// token, then the role, then the handler; errors become JSON.
import "server-only";
import { currentUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { userForToken } from "@/lib/auth/tokens";
import { env } from "@/lib/env";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";
import { errorToResponse, forbidden, unauthorized } from "@/lib/http/response";

type Access = "public" | "user" | "admin";

type Context<P> = { req: Request; params: P; user: SessionUser };
type PublicContext<P> = { req: Request; params: P; user: SessionUser | null };

async function requestUser(req: Request): Promise<SessionUser | null | "bad-token"> {
  const auth = req.headers.get("authorization");
  if (auth !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match) return "bad-token";
    return (await userForToken(match[1])) ?? "bad-token";
  }
  return currentUser();
}

export function apiRoute<P = Record<string, string>>(access: "public", handler: (ctx: PublicContext<P>) => Promise<Response>): (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;
export function apiRoute<P = Record<string, string>>(access: "user" | "admin", handler: (ctx: Context<P>) => Promise<Response>): (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;
export function apiRoute<P>(access: Access, handler: (ctx: Context<P>) => Promise<Response>) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    try {
      if (!isAllowedHost(req.headers.get("host"), env().SWITCHBOARD_URL)) return forbidden("Host not allowed");
      if (isCrossSiteWrite(req.method, req.headers)) return forbidden("Cross-site request refused");
      const params = await ctx.params;
      if (access === "public") {
        return await (handler as (c: PublicContext<P>) => Promise<Response>)({ req, params, user: null });
      }
      const user = await requestUser(req);
      if (!user || user === "bad-token") return unauthorized();
      if (access === "admin" && user.role !== "admin") return forbidden("Only an admin can do that");
      return await handler({ req, params, user });
    } catch (error) {
      return errorToResponse(error);
    }
  };
}
