// Runs before every request: refuses foreign Host headers (DNS rebinding) and cross-site writes (CSRF),
// sets a per-request CSP nonce, and sends visitors without a session cookie to /login.
// It is a convenience and a first wall, never the only check: pages, routes and actions check the session themselves.
import { NextResponse, type NextRequest } from "next/server";
import { env, isDevelopment } from "@/lib/env";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";

const PUBLIC_PAGES = new Set(["/login", "/setup"]);
// what a phone fetches to add Switchboard to its home screen, before anyone signs in, and the push service
// worker (a browser fetches it again to update it, whether or not it has a session); nothing private
const PUBLIC_ASSETS = new Set(["/manifest.webmanifest", "/icon-192.png", "/icon-512.png", "/apple-touch-icon.png", "/sw.js"]);

function contentSecurityPolicy(nonce: string): string {
  const dev = isDevelopment();
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // the push service worker (public/sw.js): 'strict-dynamic' in script-src would refuse it otherwise
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function hasSessionCookie(request: NextRequest): boolean {
  return request.cookies.has("next-auth.session-token") || request.cookies.has("__Secure-next-auth.session-token");
}

export function proxy(request: NextRequest) {
  if (!isAllowedHost(request.headers.get("host"), env().SWITCHBOARD_URL)) {
    return new NextResponse("Host not allowed", { status: 403 });
  }
  const { pathname } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  if (isCrossSiteWrite(request.method, request.headers)) {
    return isApi ? NextResponse.json({ error: "Cross-site request refused" }, { status: 403 }) : new NextResponse("Cross-site request refused", { status: 403 });
  }
  if (!isApi && request.method === "GET" && !PUBLIC_PAGES.has(pathname) && !PUBLIC_ASSETS.has(pathname) && !hasSessionCookie(request)) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    // the query too: a notification's link (`/drafts?client=acme`) opens the same list after sign-in
    const next = `${pathname}${request.nextUrl.search}`;
    url.search = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
    return NextResponse.redirect(url);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|icon.svg).*)" }],
};
