// Whether a tool may be called now: it exists on its server, and when it is destructive (by its ACCEPTED
// definition) or runs after an approval step, its current definition is the one an admin accepted. Used
// by every tool call (pipeline steps, /tools), by the agent gateway, and by a run's pre-flight.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { GLOBAL_SCOPE, type ServerEntry } from "@/lib/mcp/config";
import { isDestructive, acceptedAnnotations, pinBlockReason, readToolPin } from "@/lib/mcp/pins";
import { getMcpPool, McpUnavailableError, type McpPool } from "@/lib/mcp/pool";

/** A cached tools/list older than this is listed again before a call whose pin matters. */
export const RELIST_AFTER_MS = 60_000;

export type TrustVerdict = { ok: true; tool: Tool } | { ok: false; error: string };

/** Finds the tool and checks its pin; re-lists a stale tool list first when the pin matters. */
export async function trustedTool(pool: McpPool, entry: ServerEntry, toolName: string, afterApproval: boolean): Promise<TrustVerdict> {
  const find = async (maxAgeMs?: number) => (await pool.tools(entry, { maxAgeMs })).find((t) => t.name === toolName);
  let tool = await find();
  if (!tool) return { ok: false, error: `The MCP server "${entry.name}" has no tool "${toolName}"` };
  // the pin as this process last listed it: one query fewer per call; a refusal reads it again, since
  // an admin may have accepted the change from another process since
  let pin = pool.cachedPin(entry, toolName) ?? (await readToolPin(entry.scope, entry.name, toolName));
  const pinMatters = afterApproval || isDestructive(acceptedAnnotations(pin, tool));
  if (pinMatters && pool.toolsAgeMs(entry) > RELIST_AFTER_MS) {
    // the server may have changed the tool without saying so: decide on what it lists now
    tool = await find(RELIST_AFTER_MS);
    if (!tool) return { ok: false, error: `The MCP server "${entry.name}" no longer has a tool "${toolName}"` };
    pin = pool.cachedPin(entry, toolName) ?? (await readToolPin(entry.scope, entry.name, toolName));
  }
  if (pinBlockReason({ server: entry.name, tool, pin, afterApproval })) pin = await readToolPin(entry.scope, entry.name, toolName);
  const reason = pinBlockReason({ server: entry.name, tool, pin, afterApproval });
  return reason ? { ok: false, error: reason } : { ok: true, tool };
}

/**
 * For the agent gateway and anything else that calls a tool outside the engine: may `server/tool` be
 * called in this scope (a client's slug, or "global"/null for the workspace's servers only)? Starts the
 * server when needed. `afterApproval`: the call happens after an approval step of the run.
 */
export async function checkToolAllowed(input: { scope?: string | null; clientSlug?: string | null; server: string; tool: string; afterApproval: boolean }): Promise<{ ok: true } | { ok: false; error: string }> {
  const clientSlug = input.clientSlug ?? (input.scope && input.scope !== GLOBAL_SCOPE ? input.scope : null);
  const pool = getMcpPool();
  try {
    const entry = await pool.resolve(input.server, clientSlug);
    const verdict = await trustedTool(pool, entry, input.tool, input.afterApproval);
    return verdict.ok ? { ok: true } : verdict;
  } catch (error) {
    if (error instanceof McpUnavailableError) return { ok: false, error: error.message };
    throw error;
  }
}
