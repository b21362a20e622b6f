// Where a human checks what a call did when its outcome is unknown: a URL per server, kept in the
// workspace's mcp.json beside mcpServers (`"switchboard": { "servers": { "<name>": { "checkUrl" } } }`).
// Only the admin-owned workspace file counts: a client's .mcp.json may have been written by an agent,
// and a link it planted would send a human where the agent wants.
import "server-only";
import { serverVariables, workspaceDir } from "@/lib/env";
import { loadGlobalServers, readMcpFile } from "@/lib/mcp/config";
import { ZSwitchboardSettings } from "@/lib/mcp/config.schema";
import { expandString } from "@/lib/mcp/expand";

export type CheckUrls = { urls: Record<string, string>; errors: string[] };

/** Every server's check link, `${VAR}` expanded; an invalid one is an error of its own, never a link. */
export function loadCheckUrls(root = workspaceDir()): CheckUrls {
  const { switchboard } = readMcpFile("mcp.json", root);
  if (switchboard === undefined) return { urls: {}, errors: [] };
  const parsed = ZSwitchboardSettings.safeParse(switchboard);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { urls: {}, errors: [`mcp.json switchboard${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`] };
  }
  // a link is shown in the browser: it may not carry any server's secret (its env or header values).
  // A bare site address in an env (WORDPRESS_SITE_URL) is no credential: the link is built on it.
  const secrets = loadGlobalServers(root)
    .entries.flatMap((e) => e.secrets)
    .filter((s) => !isBareOrigin(s));
  const urls: Record<string, string> = {};
  const errors: string[] = [];
  for (const [name, settings] of Object.entries(parsed.data.servers)) {
    if (!settings.checkUrl) continue;
    const where = `mcp.json switchboard.servers.${name}.checkUrl`;
    const expanded = expandString(settings.checkUrl, { vars: serverVariables() });
    if (expanded.missing.length) {
      errors.push(`${where}: \${${expanded.missing[0]}} is not set`);
      continue;
    }
    let url: URL;
    try {
      url = new URL(expanded.value);
    } catch {
      errors.push(`${where}: not a valid URL`);
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") errors.push(`${where}: must be an http or https URL`);
    else if (secrets.some((s) => expanded.value.includes(s))) errors.push(`${where}: holds a secret of a server's env or headers; it is not shown`);
    else urls[name] = url.toString();
  }
  return { urls, errors };
}

/** `https://host[:port]` with at most a trailing slash: no credentials, path, query or fragment. */
function isBareOrigin(value: string): boolean {
  if (!/^https?:\/\/[^/?#@\s]+\/?$/.test(value)) return false;
  try {
    return new URL(value).origin === value.replace(/\/$/, "");
  } catch {
    return false;
  }
}

/** The check link for one server of the workspace, or null. */
export function checkUrlFor(server: string, root = workspaceDir()): string | null {
  return loadCheckUrls(root).urls[server] ?? null;
}
