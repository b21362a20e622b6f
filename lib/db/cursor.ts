// The cursors of every list that takes `limit` and `cursor` (INTERFACES.md: `{ items, nextCursor }`), both
// here: lists page by keyset on (createdAt, id), newest first, and the run list sorted by cost on (costUsd,
// id), costliest first, so a row inserted between two pages neither shifts nor repeats what the reader
// sees. A cursor is opaque to callers: base64url of a small JSON object; anything that does not decode to
// the expected shape is a 400 with a message that says what to do.
import { SafeError } from "@/lib/errors";

/** Longer than any cursor this module makes; a list's input schema refuses anything longer. */
export const CURSOR_MAX_CHARS = 300;

/**
 * Where the next page starts: the last row of this page. `section` names the part of a list ordered in
 * several parts (the drafts inbox lists pending drafts before decided ones).
 */
export type PageCursor = { createdAt: Date; id: string; section?: string };

export function encodeCursor(cursor: PageCursor): string {
  const wire: Record<string, string> = { t: cursor.createdAt.toISOString(), id: cursor.id };
  if (cursor.section !== undefined) wire.s = cursor.section;
  return Buffer.from(JSON.stringify(wire)).toString("base64url");
}

/** Decodes a cursor made by encodeCursor; throws a SafeError (400) for anything else. */
export function decodeCursor(raw: string): PageCursor {
  const invalid = () => new SafeError("Invalid cursor: pass the nextCursor of the previous page, or no cursor for the first page");
  if (raw.length > CURSOR_MAX_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!wire || typeof wire !== "object" || Array.isArray(wire)) throw invalid();
  const { t, id, s } = wire as Record<string, unknown>;
  if (typeof t !== "string" || typeof id !== "string" || id.length === 0 || (s !== undefined && typeof s !== "string")) throw invalid();
  const createdAt = new Date(t);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return s === undefined ? { createdAt, id } : { createdAt, id, section: s };
}

/** The optional cursor of a list request: null for the first page. */
export function decodeOptionalCursor(raw: string | null | undefined): PageCursor | null {
  return raw ? decodeCursor(raw) : null;
}

/**
 * The Prisma `where` fragment for rows after `cursor` in (createdAt desc, id desc) order. The leading
 * `lte` bounds the index range scan; the OR breaks ties between rows created in the same millisecond.
 */
export function olderThan(cursor: PageCursor | null) {
  if (!cursor) return {};
  return {
    AND: [{ createdAt: { lte: cursor.createdAt } }, { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }],
  };
}

/**
 * `{ items, nextCursor }` from rows read with `take: limit + 1`: the extra row only says whether there
 * is a next page.
 */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number, section?: (last: T) => string) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id, ...(section ? { section: section(last) } : {}) }) : null;
  return { items, nextCursor };
}

/** Where the next page of a list sorted by cost starts: the last row's cost and id. */
export type CostCursor = { costUsd: number; id: string };

export function encodeCostCursor(last: CostCursor): string {
  return Buffer.from(JSON.stringify({ c: last.costUsd, id: last.id })).toString("base64url");
}

/** Decodes a cursor made by encodeCostCursor; throws a SafeError (400) for anything else (a newest-first cursor included). */
export function decodeCostCursor(raw: string): CostCursor {
  const invalid = () => new SafeError("Invalid cursor: pass the nextCursor of the previous page (with the same sort), or no cursor for the first page");
  if (raw.length > CURSOR_MAX_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  try {
    const wire = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { c?: unknown; id?: unknown };
    if (wire && typeof wire.c === "number" && Number.isFinite(wire.c) && typeof wire.id === "string" && wire.id) return { costUsd: wire.c, id: wire.id };
  } catch {
    // not JSON
  }
  throw invalid();
}
