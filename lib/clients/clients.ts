// Clients: a database row (what happened) and a folder in the workspace (memory and conventions).
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { recordAudit, type Actor } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { ForbiddenError, NotFoundError, SafeError } from "@/lib/errors";
import { clientFolder, isClientSlug, isSlug, readWorkspaceFile, writeWorkspaceFile } from "@/lib/workspace/paths";
import { MEMORY_MAX_BYTES, ZCreateClientInput, ZUpdateClientInput } from "@/lib/clients/clients.schema";

const clientSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  monthlyBudgetUsd: true,
  monthlyTokenBudget: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

function memoryTemplate(name: string): string {
  return `# ${name}

Memory and conventions for ${name}. Agents working for this client read this file first.

## Who they are
- Website:
- Contact:

## Voice and style
- 

## Rules
- Never publish without an approved draft.
`;
}

export async function listClients(options: { includeArchived?: boolean } = {}) {
  return prisma.client.findMany({
    where: options.includeArchived ? {} : { archivedAt: null },
    orderBy: [{ archivedAt: "asc" }, { name: "asc" }],
    select: { ...clientSelect, _count: { select: { runs: true } } },
  });
}

export async function getClient(slug: string) {
  if (!isSlug(slug)) throw new NotFoundError(`No client "${slug.slice(0, 80)}"`);
  const client = await prisma.client.findUnique({ where: { slug }, select: clientSelect });
  if (!client) throw new NotFoundError(`No client "${slug}"`);
  return client;
}

export async function createClient(input: unknown, actor: Actor) {
  const data = ZCreateClientInput.parse(input);
  const existing = await prisma.client.findUnique({ where: { slug: data.slug }, select: { id: true } });
  if (existing) throw new SafeError(`A client with the slug "${data.slug}" already exists`);
  const folder = clientFolder(data.slug);
  const memoryFile = path.join("clients", data.slug, "CLAUDE.md");
  // keep a CLAUDE.md the operator already wrote; only create it when missing
  if (!fs.existsSync(path.join(folder, "CLAUDE.md"))) writeWorkspaceFile(memoryFile, memoryTemplate(data.name));
  const client = await prisma.client.create({ data, select: clientSelect });
  await recordAudit({ actor, action: "client.create", targetType: "client", targetId: client.id, clientId: client.id, data: { slug: client.slug } });
  return client;
}

/**
 * Changes a client's name, description and budgets. Only an admin changes a budget (`isAdmin`): a budget
 * that an operator could raise would not stop the runs it is meant to stop. An operator's edit never
 * writes the budget columns at all, so a stale form carrying the budget it was loaded with cannot write it
 * back over an admin's change made in between; one that names a budget other than the current one is
 * refused. A budget left out stays as it is. The audit row keeps the budgets before and after.
 */
export async function updateClient(input: unknown, actor: Actor, options: { isAdmin?: boolean } = {}) {
  const data = ZUpdateClientInput.parse(input);
  const client = await getClient(data.slug);
  const usd = data.monthlyBudgetUsd === undefined ? client.monthlyBudgetUsd : data.monthlyBudgetUsd;
  const tokens = data.monthlyTokenBudget === undefined ? client.monthlyTokenBudget : data.monthlyTokenBudget;
  const budgetChanged = usd !== client.monthlyBudgetUsd || tokens !== client.monthlyTokenBudget;
  if (budgetChanged && !options.isAdmin) throw new ForbiddenError("Only an admin can change a client's budget");
  const budgets = options.isAdmin ? { monthlyBudgetUsd: data.monthlyBudgetUsd, monthlyTokenBudget: data.monthlyTokenBudget } : {};
  const updated = await prisma.client.update({
    where: { id: client.id },
    data: { name: data.name, description: data.description, ...budgets },
    select: clientSelect,
  });
  const audit = budgetChanged ? { budget: { before: { usd: client.monthlyBudgetUsd, tokens: client.monthlyTokenBudget }, after: { usd, tokens } } } : undefined;
  await recordAudit({ actor, action: budgetChanged ? "client.budget" : "client.update", targetType: "client", targetId: client.id, clientId: client.id, data: audit });
  return updated;
}

export async function setClientArchived(slug: string, archived: boolean, actor: Actor) {
  const client = await getClient(slug);
  const updated = await prisma.client.update({ where: { id: client.id }, data: { archivedAt: archived ? new Date() : null }, select: clientSelect });
  await recordAudit({ actor, action: archived ? "client.archive" : "client.unarchive", targetType: "client", targetId: client.id, clientId: client.id });
  return updated;
}

/** The client's CLAUDE.md, or null when the file does not exist. */
export function readClientMemory(slug: string): string | null {
  const relative = path.join("clients", slug, "CLAUDE.md");
  clientFolder(slug);
  try {
    return readWorkspaceFile(relative, MEMORY_MAX_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The page renders at most this much of CLAUDE.md; a longer file is still edited whole. */
export const MEMORY_RENDER_MAX_BYTES = 64 * 1024;

export type ClientMemoryView = { source: string | null; rendered: string | null; truncated: boolean; error: string | null };

/** CLAUDE.md for the client page: an oversized or unreadable file is an error to show, never a broken page. */
export function clientMemoryView(slug: string): ClientMemoryView {
  let source: string | null;
  try {
    source = readClientMemory(slug);
  } catch (error) {
    const message = error instanceof SafeError ? error.message : "CLAUDE.md cannot be read";
    return { source: null, rendered: null, truncated: false, error: `${message}. Saving from the editor replaces the file.` };
  }
  if (source === null) return { source: null, rendered: null, truncated: false, error: null };
  const bytes = Buffer.from(source, "utf8");
  if (bytes.length <= MEMORY_RENDER_MAX_BYTES) return { source, rendered: source, truncated: false, error: null };
  return { source, rendered: bytes.subarray(0, MEMORY_RENDER_MAX_BYTES).toString("utf8"), truncated: true, error: null };
}

export async function saveClientMemory(slug: string, content: string, actor: Actor): Promise<void> {
  const client = await getClient(slug);
  if (Buffer.byteLength(content) > MEMORY_MAX_BYTES) throw new SafeError(`CLAUDE.md may be at most ${MEMORY_MAX_BYTES / 1024} KB`);
  writeWorkspaceFile(path.join("clients", slug, "CLAUDE.md"), content);
  await recordAudit({ actor, action: "client.memory.save", targetType: "client", targetId: client.id, clientId: client.id, data: { bytes: Buffer.byteLength(content) } });
}

/** Folders under workspace/clients with no client row yet (e.g. the demo workspace) get one. */
export async function importClientFolders(root = workspaceDir()): Promise<string[]> {
  const dir = path.join(root, "clients");
  if (!fs.existsSync(dir)) return [];
  const created: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !isClientSlug(entry.name)) continue;
    const exists = await prisma.client.findUnique({ where: { slug: entry.name }, select: { id: true } });
    if (exists) continue;
    let name = entry.name;
    try {
      const heading = /^#\s+(.+)$/m.exec(readWorkspaceFile(path.join("clients", entry.name, "CLAUDE.md"), 4096, { root, truncate: true }));
      if (heading) name = heading[1].trim().slice(0, 120);
    } catch {
      // no CLAUDE.md (or not a readable regular file): the slug is the name
    }
    await prisma.client.create({ data: { slug: entry.name, name } });
    created.push(entry.name);
  }
  return created;
}
