// Request checks shared by the proxy and every route handler: Host (DNS rebinding) and Origin (CSRF).
// Pure functions over headers, so they run anywhere and are unit-tested directly.

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.split(":")[0];
}

/** Host names this Switchboard answers to: localhost names, 127.0.0.1 and the host of SWITCHBOARD_URL. */
function allowedHostnames(publicUrl: string | undefined): Set<string> {
  const hosts = new Set(LOCAL_HOSTS);
  if (publicUrl) {
    try {
      hosts.add(new URL(publicUrl).hostname.toLowerCase());
    } catch {
      // an invalid SWITCHBOARD_URL is reported by lib/env at start; here it simply adds nothing
    }
  }
  return hosts;
}

export function isAllowedHost(hostHeader: string | null, publicUrl: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  return allowedHostnames(publicUrl).has(name) || name.endsWith(".localhost");
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie-authenticated write must come from this origin. A request carrying a bearer token and no
 * cookie cannot be forged by another site (browsers do not attach Authorization cross-site).
 */
export function isCrossSiteWrite(method: string, headers: Headers): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (headers.get("authorization") && !headers.get("cookie")) return false;
  const origin = headers.get("origin");
  const host = headers.get("host");
  if (origin && origin !== "null") {
    try {
      return new URL(origin).host.toLowerCase() !== (host ?? "").toLowerCase();
    } catch {
      return true;
    }
  }
  if (origin === "null") return true;
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}
