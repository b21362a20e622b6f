// Tool pinning: the hash of each tool's description, input schema and annotations is kept, with the
// definition behind it. A change since the accepted hash is flagged; destructive tools and tools that
// run after an approval step are blocked until an admin accepts the change (a rug-pulled tool must not
// act on stale trust), and agents get no changed tool at all. What a tool may do is read from the definition an admin accepted: a server that
// turns a destructive tool "read-only" while changing it does not slip past the block that way.
import "server-only";
import type { Tool } from "@modelcontextprotocol/client";
import { isUniqueViolation, prisma } from "@/lib/db/client";
import { createOutboxRow } from "@/lib/db/outbox";
import { SafeError } from "@/lib/errors";
import { canonicalHash, canonicalJson } from "@/lib/mcp/canonical-hash";
import { redactValue } from "@/lib/mcp/redact";

type Definable = Pick<Tool, "description" | "inputSchema" | "annotations">;
export type ToolAnnotations = NonNullable<Tool["annotations"]>;
export type ToolPinRow = { seenHash: string; acceptedHash: string; seenJson: string | null; acceptedJson: string | null };

function definitionOf(tool: Definable) {
  return { d: tool.description ?? "", s: tool.inputSchema, a: tool.annotations ?? {} };
}

export function toolHash(tool: Definable): string {
  return canonicalHash(definitionOf(tool));
}

/** What is stored beside a hash: the definition, with the server's own secrets redacted. */
function storedDefinition(tool: Definable, secrets: readonly string[]): string {
  return canonicalJson(redactValue(definitionOf(tool), secrets));
}

/** As MCP says: a tool is destructive unless it is read-only or says destructiveHint: false. */
export function isDestructive(annotations: ToolAnnotations | null | undefined): boolean {
  return annotations?.readOnlyHint !== true && annotations?.destructiveHint !== false;
}

/** Annotations of the accepted definition; null when it is not known (then the tool counts as destructive). */
export function acceptedAnnotations(pin: ToolPinRow | null, current: Definable): ToolAnnotations | null {
  if (!pin) return null;
  if (pin.acceptedJson) return storedAcceptedAnnotations(pin);
  // a pin from before definitions were stored: its accepted annotations are known only when unchanged
  return pin.acceptedHash === toolHash(current) ? (current.annotations ?? {}) : null;
}

/** What an agent may use before an approval step: a tool whose accepted definition says readOnlyHint: true. */
export function isReadOnly(annotations: ToolAnnotations | null | undefined): boolean {
  return annotations?.readOnlyHint === true;
}

/** Annotations of a pin's accepted definition as stored; null when it was not stored (a pin from before). */
export function storedAcceptedAnnotations(pin: Pick<ToolPinRow, "acceptedJson">): ToolAnnotations | null {
  if (!pin.acceptedJson) return null;
  try {
    return ((JSON.parse(pin.acceptedJson) as { a?: ToolAnnotations }).a ?? {}) as ToolAnnotations;
  } catch {
    return null;
  }
}

/** An agent's use of a tool (through the gateway): it must be unchanged since accepted, and read-only before an approval step. */
export type AgentUse = { beforeApproval: boolean };

/**
 * Whether a call must wait for an admin: the reason, or null when it may go ahead. A pipeline's own tool
 * step waits only when the tool is destructive or runs after an approval; an agent gets no tool changed
 * since it was accepted, and before an approval step none that is not read-only.
 */
export function pinBlockReason(input: { server: string; tool: Definable & { name: string }; pin: ToolPinRow | null; afterApproval: boolean; agent?: AgentUse }): string | null {
  const { server, tool, pin, afterApproval, agent } = input;
  const unchanged = pin !== null && pin.acceptedHash === toolHash(tool);
  if (agent) {
    if (!unchanged) {
      return pin
        ? `${server}/${tool.name} changed its description or schema since an admin accepted it: agents do not get it until an admin reviews the change on /tools`
        : `${server}/${tool.name} has no accepted definition yet: agents do not get it until an admin reviews it on /tools`;
    }
    if (agent.beforeApproval && !isReadOnly(acceptedAnnotations(pin, tool))) {
      return `${server}/${tool.name} is not read-only (by the definition an admin accepted), and this agent step runs before an approval step: there agents get read-only tools only`;
    }
    return null;
  }
  if (unchanged) return null;
  if (!afterApproval && !isDestructive(acceptedAnnotations(pin, tool))) return null;
  const why = afterApproval ? "it runs after an approval step" : "it may change or delete data";
  return pin
    ? `${server}/${tool.name} changed its description or schema since an admin accepted it, and ${why}: an admin must review the change on /tools before it runs again`
    : `${server}/${tool.name} has no accepted definition yet, and ${why}: an admin must review it on /tools`;
}

export async function readToolPin(scope: string, server: string, tool: string): Promise<ToolPinRow | null> {
  return prisma.toolPin.findUnique({ where: { scope_server_tool: { scope, server, tool } }, select: { seenHash: true, acceptedHash: true, seenJson: true, acceptedJson: true } });
}

/** Records what was seen; returns each listed tool's pin as it now stands. */
export async function recordToolPins(scope: string, server: string, tools: Tool[], secrets: readonly string[] = []): Promise<Map<string, ToolPinRow>> {
  const pins = await prisma.toolPin.findMany({ where: { scope, server }, select: { tool: true, seenHash: true, acceptedHash: true, seenJson: true, acceptedJson: true } });
  const byTool = new Map(pins.map((p) => [p.tool, p]));
  const result = new Map<string, ToolPinRow>();
  for (const tool of tools) {
    const hash = toolHash(tool);
    const pin = byTool.get(tool.name);
    if (!pin) {
      // first sight is trusted (the server itself was trusted or approved); another process (the worker,
      // a second tab's request) may record the same first sighting at once
      const json = storedDefinition(tool, secrets);
      await prisma.toolPin.create({ data: { scope, server, tool: tool.name, seenHash: hash, acceptedHash: hash, seenJson: json, acceptedJson: json } }).catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
      });
      result.set(tool.name, { seenHash: hash, acceptedHash: hash, seenJson: json, acceptedJson: json });
      continue;
    }
    const row: ToolPinRow = { seenHash: pin.seenHash, acceptedHash: pin.acceptedHash, seenJson: pin.seenJson, acceptedJson: pin.acceptedJson };
    if (pin.seenHash !== hash || pin.seenJson === null) {
      const json = storedDefinition(tool, secrets);
      const unchanged = pin.acceptedHash === hash;
      const data = { seenHash: hash, seenJson: json, ...(pin.seenHash !== hash ? { changedAt: new Date() } : {}), ...(unchanged ? { acceptedJson: json } : {}) };
      const where = { scope_server_tool: { scope, server, tool: tool.name } };
      if (pin.seenHash !== hash && !unchanged) {
        // a definition not seen before and not the accepted one: tool.changed, written with the change
        await prisma.$transaction(async (tx) => {
          await tx.toolPin.update({ where, data });
          await createOutboxRow(tx, {
            event: "tool.changed",
            dedupeKey: `tool.changed:${scope}:${server}:${tool.name}:${hash}`,
            clientSlug: scope === "global" ? null : scope,
            title: `${server}/${tool.name} changed since it was accepted`,
            text: `Its description, schema or annotations differ from the accepted definition. Review the change on the Tools page.`,
            path: "/tools",
            at: new Date(),
          });
        });
      } else await prisma.toolPin.update({ where, data });
      Object.assign(row, { seenHash: hash, seenJson: json }, unchanged ? { acceptedJson: json } : {});
    }
    result.set(tool.name, row);
  }
  return result;
}

/** Records what was seen; returns the names of tools whose definition differs from the accepted one. */
export async function checkToolPins(scope: string, server: string, tools: Tool[], secrets: readonly string[] = []): Promise<Set<string>> {
  const pins = await recordToolPins(scope, server, tools, secrets);
  return new Set([...pins].filter(([, pin]) => pin.acceptedHash !== pin.seenHash).map(([name]) => name));
}

/**
 * Accepts the definition the admin reviewed (by its hash), never whatever the server lists at click
 * time: when the tool changed again since, the admin must look again.
 */
export async function acceptToolChange(scope: string, server: string, tool: string, reviewedHash: string): Promise<ToolPinRow> {
  const pin = await prisma.toolPin.findUnique({ where: { scope_server_tool: { scope, server, tool } }, select: { seenHash: true, seenJson: true } });
  if (!pin) throw new SafeError(`No tool ${server}/${tool} has been seen`, 404);
  const stale = `${server}/${tool} changed again since you reviewed it; review the new definition and accept that one`;
  if (pin.seenHash !== reviewedHash) throw new SafeError(stale, 409);
  const updated = await prisma.toolPin.updateMany({ where: { scope, server, tool, seenHash: reviewedHash }, data: { acceptedHash: reviewedHash, acceptedJson: pin.seenJson } });
  if (updated.count === 0) throw new SafeError(stale, 409);
  return { seenHash: reviewedHash, acceptedHash: reviewedHash, seenJson: pin.seenJson, acceptedJson: pin.seenJson };
}
