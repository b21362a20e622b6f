// Calls a server action as Next.js does on a POST from a signed-in browser: inside a request scope whose
// headers (Host, Origin) and cookies (a real next-auth session token for the user, sealed with the app's
// secret) the action's own checks read through next/headers. Only the request scope is made by hand.
import "@/lib/testing/async-local-storage";
import { createRequire } from "node:module";
import { encode } from "next-auth/jwt";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { authSecret } from "@/lib/auth/secret";
import { publicUrl } from "@/lib/env";

export async function callActionAs<T>(user: { id: string; sessionVersion?: number }, action: () => Promise<T>): Promise<T> {
  const token = await encode({ token: { sub: user.id, sv: user.sessionVersion ?? 0 }, secret: authSecret() });
  const site = new URL(publicUrl());
  const headers = new Headers({
    host: site.host,
    origin: site.origin,
    // next-auth names its cookie by whether the site is https; both are set so either reading finds it
    cookie: `next-auth.session-token=${token}; __Secure-next-auth.session-token=${token}`,
  });
  const store = { type: "request", phase: "render", headers, cookies: new RequestCookies(headers), url: { pathname: "/settings", search: "" } };
  // the same module instances next/headers reads (Node's own require cache, as Next.js loads them)
  const load = createRequire(import.meta.url);
  const { workAsyncStorage } = load("next/dist/server/app-render/work-async-storage.external") as typeof import("next/dist/server/app-render/work-async-storage.external");
  const { workUnitAsyncStorage } = load("next/dist/server/app-render/work-unit-async-storage.external") as typeof import("next/dist/server/app-render/work-unit-async-storage.external");
  const work = { route: "/settings", page: "/settings", isStaticGeneration: false, forceStatic: false, dynamicShouldError: false };
  return workAsyncStorage.run(work as never, () => workUnitAsyncStorage.run(store as never, action));
}
