// Whether a tool may be called now: it exists on its server, and when it is destructive (by its ACCEPTED
// definition) or runs after an approval step, its current definition is the one an admin accepted. For an
// agent (`agent`), always the accepted one, and read-only before an approval step (pins.ts). Used by every
// tool call (pipeline steps, /tools), by the agent gateway, and by a run's pre-flight.
import type { Tool } from "@modelcontextprotocol/client";
import type { ServerEntry } from "@/lib/mcp/config";
import { isDestructive, acceptedAnnotations, pinBlockReason, readToolPin, type AgentUse } from "@/lib/mcp/pins";
import type { McpPool } from "@/lib/mcp/pool";

export type TrustVerdict = { ok: true; tool: Tool } | { ok: false; error: string };

/** Finds the tool and checks its pin; re-lists a stale tool list first when the pin matters. */
export async function trustedTool(pool: McpPool, entry: ServerEntry, toolName: string, afterApproval: boolean, agent?: AgentUse): Promise<TrustVerdict> {
  const find = async (fresh?: boolean) => (await pool.tools(entry, { fresh })).find((t) => t.name === toolName);
  let tool = await find();
  if (!tool) return { ok: false, error: `The MCP server "${entry.name}" has no tool "${toolName}"` };
  // the pin as this process last listed it: one query fewer per call; a refusal reads it again, since
  // an admin may have accepted the change from another process since
  let pin = pool.cachedPin(entry, toolName) ?? (await readToolPin(entry.scope, entry.name, toolName));
  const pinMatters = afterApproval || agent !== undefined || isDestructive(acceptedAnnotations(pin, tool));
  if (pinMatters && pool.toolsStale(entry)) {
    // the server may have changed the tool without saying so: past the list's ttlMs, decide on what it lists now
    tool = await find(true);
    if (!tool) return { ok: false, error: `The MCP server "${entry.name}" no longer has a tool "${toolName}"` };
    pin = pool.cachedPin(entry, toolName) ?? (await readToolPin(entry.scope, entry.name, toolName));
  }
  if (pinBlockReason({ server: entry.name, tool, pin, afterApproval, agent })) pin = await readToolPin(entry.scope, entry.name, toolName);
  const reason = pinBlockReason({ server: entry.name, tool, pin, afterApproval, agent });
  return reason ? { ok: false, error: reason } : { ok: true, tool };
}
