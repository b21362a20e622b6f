// Tool pinning: the hash of each tool's description, input schema and annotations is kept. A change since
// the accepted hash is flagged; destructive tools and tools an approval step relies on are blocked until
// an admin accepts the change (a rug-pulled tool must not act on stale trust).
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { isUniqueViolation, prisma } from "@/lib/db";
import { canonicalHash } from "@/lib/mcp/canonical-hash";

export function toolHash(tool: Pick<Tool, "description" | "inputSchema" | "annotations">): string {
  return canonicalHash({ d: tool.description ?? "", s: tool.inputSchema, a: tool.annotations ?? {} });
}

/** Records what was seen; returns the names of tools whose definition differs from the accepted one. */
export async function checkToolPins(scope: string, server: string, tools: Tool[]): Promise<Set<string>> {
  const pins = await prisma.toolPin.findMany({ where: { scope, server }, select: { tool: true, seenHash: true, acceptedHash: true } });
  const byTool = new Map(pins.map((p) => [p.tool, p]));
  const changed = new Set<string>();
  for (const tool of tools) {
    const hash = toolHash(tool);
    const pin = byTool.get(tool.name);
    if (!pin) {
      // another process (the worker, a second tab's request) may record the same first sighting at once
      await prisma.toolPin.create({ data: { scope, server, tool: tool.name, seenHash: hash, acceptedHash: hash } }).catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
      });
      continue;
    }
    if (pin.seenHash !== hash) await prisma.toolPin.update({ where: { scope_server_tool: { scope, server, tool: tool.name } }, data: { seenHash: hash, changedAt: new Date() } });
    if (pin.acceptedHash !== hash) changed.add(tool.name);
  }
  return changed;
}

export async function acceptToolChange(scope: string, server: string, tool: string): Promise<void> {
  const pin = await prisma.toolPin.findUnique({ where: { scope_server_tool: { scope, server, tool } }, select: { seenHash: true } });
  if (pin) await prisma.toolPin.update({ where: { scope_server_tool: { scope, server, tool } }, data: { acceptedHash: pin.seenHash } });
}
