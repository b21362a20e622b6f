// The page a tool result names: an absolute URL on SWITCHBOARD_URL, so a terminal can open it as it is.
import "server-only";
import { publicUrl } from "@/lib/env";

export function pageUrl(path: string): string {
  const base = publicUrl();
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}${path}`;
}

/** Where this server answers, for the set-up lines on /settings and in results. */
export function mcpEndpointUrl(): string {
  return pageUrl("/api/mcp");
}
