// What the /tools page and the MCP API do: list servers (optionally connecting them first), approve a
// client's server, accept a changed tool. An admin's ad-hoc tool call is the engine's (adhoc-calls.ts).
import { recordAudit, type Actor } from "@/lib/audit";
import { SafeError } from "@/lib/errors";
import { approveClientServer, loadClientServers } from "@/lib/mcp/config";
import { acceptToolChange } from "@/lib/mcp/pins";
import { getMcpPool } from "@/lib/mcp/pool";
import { SERVER_NAME_PATTERN } from "@/lib/mcp/config.schema";
import { isSlug } from "@/lib/workspace/paths";

export async function listMcpServers(connect: boolean) {
  return getMcpPool().listServers({ connect, connectTimeoutMs: 8_000 });
}

export async function approveClientServerEntry(input: { slug: string; name: string; contentHash: string; allowedVars: string[] }, actor: Actor) {
  if (!isSlug(input.slug) || !SERVER_NAME_PATTERN.test(input.name)) throw new SafeError("Unknown server");
  const { entries } = await loadClientServers(input.slug);
  const entry = entries.find((e) => e.name === input.name);
  // approval is of the content the admin looked at: if the file changed since, they must look again
  if (!entry || entry.contentHash !== input.contentHash) throw new SafeError("This server's entry changed since you loaded the page; review it again", 409);
  const vars = input.allowedVars.filter((v) => /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v));
  await approveClientServer({ ...input, allowedVars: vars, approvedById: actor.id ?? null });
  await recordAudit({ actor, action: "mcp.approve", targetType: "mcp-server", targetId: `${input.slug}/${input.name}`, data: { contentHash: input.contentHash, allowedVars: vars } });
}

export async function acceptChangedTool(input: { scope: string; server: string; tool: string }, actor: Actor) {
  await acceptToolChange(input.scope, input.server, input.tool);
  await recordAudit({ actor, action: "mcp.accept-tool-change", targetType: "mcp-tool", targetId: `${input.scope}/${input.server}/${input.tool}` });
}
