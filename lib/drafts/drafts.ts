// Drafts: what an approval step wrote, each save a new version, approved or rejected exactly once.
// Approval is of a version: a single conditional UPDATE decides, so a double click, two tabs, or the
// API and the page at the same moment give one continuation of the run.
import { recordAudit, type Actor } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { NotFoundError, SafeError } from "@/lib/errors";
import { continueAfterApproval, rejectRun } from "@/lib/engine/approvals";
import { previewCallsAfterApproval } from "@/lib/engine/frozen-calls";
import {
  ZApproveDraftInput,
  ZListDraftsInput,
  ZRejectDraftInput,
  ZSaveDraftInput,
  type DraftStatus,
  type ListDraftsInput,
} from "@/lib/drafts/drafts.schema";

const listSelect = {
  id: true,
  title: true,
  status: true,
  version: true,
  pipelineSlug: true,
  stepId: true,
  runId: true,
  createdAt: true,
  updatedAt: true,
  decidedByLabel: true,
  client: { select: { slug: true, name: true } },
} as const;

type Cursor = { pending: boolean; createdAt: string; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (typeof c.id !== "string" || Number.isNaN(new Date(c.createdAt).getTime())) throw new Error("bad");
    return c;
  } catch {
    throw new SafeError("Invalid cursor");
  }
}

/** Drafts for the inbox: pending first (newest first), then the decided ones; `{ items, nextCursor }`. */
export async function listDrafts(input: ListDraftsInput = {}) {
  const q = ZListDraftsInput.parse(input);
  const clientFilter = q.clientSlug ? { client: { slug: q.clientSlug } } : {};
  const pipelineFilter = q.pipeline ? { pipelineSlug: q.pipeline } : {};
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  const after = (c: Cursor | null) =>
    c ? { OR: [{ createdAt: { lt: new Date(c.createdAt) } }, { createdAt: new Date(c.createdAt), id: { lt: c.id } }] } : {};
  const page = (status: DraftStatus | { not: DraftStatus }, c: Cursor | null, take: number) =>
    prisma.draft.findMany({
      where: { status, ...clientFilter, ...pipelineFilter, ...after(c) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take,
      select: listSelect,
    });
  let rows: Awaited<ReturnType<typeof page>> = [];
  if (q.status) {
    rows = await page(q.status, cursor, q.limit + 1);
  } else {
    // pending first: the pending phase, then the rest, each newest first
    if (!cursor || cursor.pending) rows = await page("pending", cursor, q.limit + 1);
    if (rows.length <= q.limit) rows = [...rows, ...(await page({ not: "pending" }, cursor && !cursor.pending ? cursor : null, q.limit + 1 - rows.length))];
  }
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor({ pending: last.status === "pending", createdAt: last.createdAt.toISOString(), id: last.id }) : null;
  return { items, nextCursor };
}

export type DraftListItem = Awaited<ReturnType<typeof listDrafts>>["items"][number];

/** One draft with every version, the run and step it came from, and its audit trail. */
export async function getDraftDetail(id: string) {
  const draft = await prisma.draft.findUnique({
    where: { id },
    select: {
      ...listSelect,
      body: true,
      approvedVersion: true,
      decisionNote: true,
      decidedAt: true,
      runStepId: true,
      run: { select: { id: true, pipelineName: true, status: true } },
      versions: { orderBy: { version: "asc" }, select: { version: true, title: true, body: true, authorLabel: true, createdAt: true } },
    },
  });
  if (!draft) throw new NotFoundError("No such draft");
  const audit = await prisma.auditLog.findMany({
    where: { targetType: "draft", targetId: id },
    orderBy: { id: "asc" },
    select: { id: true, at: true, actorLabel: true, action: true, dataJson: true },
  });
  return { ...draft, audit: audit.map(({ dataJson, ...a }) => ({ ...a, data: dataJson ? (JSON.parse(dataJson) as Record<string, unknown>) : null })) };
}

export type DraftDetail = Awaited<ReturnType<typeof getDraftDetail>>;

/** Exactly what approving the current version would send next (tool and arguments). */
export async function describeApprovalEffect(draft: Pick<DraftDetail, "id" | "version" | "title" | "body" | "runId">) {
  if (!draft.runId) return { calls: [], endsRun: true };
  const calls = await previewCallsAfterApproval({ draftId: draft.id, version: draft.version, title: draft.title, body: draft.body });
  return { calls, endsRun: calls.length === 0 };
}

async function requireDraft(id: string) {
  const draft = await prisma.draft.findUnique({ where: { id }, select: { id: true, status: true, version: true, title: true, body: true, clientId: true, decidedByLabel: true } });
  if (!draft) throw new NotFoundError("No such draft");
  return draft;
}

function alreadyDecided(d: { status: string; decidedByLabel: string | null }): SafeError {
  return new SafeError(`This draft was already ${d.status}${d.decidedByLabel ? ` by ${d.decidedByLabel}` : ""}`, 409);
}

/** Saves a new version (only while pending). With baseVersion, a save over a newer version is refused. */
export async function saveDraftVersion(id: string, input: unknown, actor: Actor) {
  const data = ZSaveDraftInput.parse(input);
  const draft = await requireDraft(id);
  if (draft.status !== "pending") throw alreadyDecided(draft);
  const expected = data.baseVersion ?? draft.version;
  const next = expected + 1;
  const title = data.title ?? draft.title;
  // the version bump is the compare-and-swap: of two saves from the same version, one wins
  const bumped = await prisma.$transaction(async (tx) => {
    const swap = await tx.draft.updateMany({ where: { id, status: "pending", version: expected }, data: { version: next, title, body: data.body } });
    if (swap.count === 1) await tx.draftVersion.create({ data: { draftId: id, version: next, title, body: data.body, authorId: actor.id ?? null, authorLabel: actor.label } });
    return swap;
  });
  if (bumped.count !== 1) {
    const now = await requireDraft(id);
    if (now.status !== "pending") throw alreadyDecided(now);
    throw new SafeError(`This draft changed since you opened it (version ${now.version} is current). Reload to see it, then save again.`, 409);
  }
  await recordAudit({ actor, action: "draft.edit", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version: next } });
  return { version: next };
}

/**
 * Approves one version, exactly once. Refused (409) when the draft is already decided or when the
 * version the reviewer read is no longer current. Only the winning request continues the run.
 */
export async function approveDraft(id: string, input: unknown, actor: Actor) {
  const data = ZApproveDraftInput.parse(input);
  const draft = await requireDraft(id);
  if (draft.status !== "pending") throw alreadyDecided(draft);
  const version = data.version ?? draft.version;
  const won = await prisma.draft.updateMany({
    where: { id, status: "pending", version },
    data: { status: "approved", approvedVersion: version, decidedById: actor.id ?? null, decidedByLabel: actor.label, decisionNote: data.note || null, decidedAt: new Date() },
  });
  if (won.count !== 1) {
    const now = await requireDraft(id);
    if (now.status !== "pending") throw alreadyDecided(now);
    throw new SafeError(`This draft changed since you loaded it: version ${now.version} is current, you approved version ${version}. Review it and approve again.`, 409);
  }
  const approved = await prisma.draftVersion.findUnique({ where: { draftId_version: { draftId: id, version } }, select: { title: true, body: true } });
  await recordAudit({ actor, action: "draft.approve", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version, note: data.note ?? null } });
  const result = await continueAfterApproval({ draftId: id, version, title: approved?.title ?? draft.title, body: approved?.body ?? draft.body, actor });
  return { version, continued: result.continued, runId: result.runId };
}

/** Rejects the draft with a note (required) and ends its run as rejected, exactly once. */
export async function rejectDraft(id: string, input: unknown, actor: Actor) {
  const data = ZRejectDraftInput.parse(input);
  const draft = await requireDraft(id);
  if (draft.status !== "pending") throw alreadyDecided(draft);
  const won = await prisma.draft.updateMany({
    where: { id, status: "pending" },
    data: { status: "rejected", decidedById: actor.id ?? null, decidedByLabel: actor.label, decisionNote: data.note, decidedAt: new Date() },
  });
  if (won.count !== 1) throw alreadyDecided(await requireDraft(id));
  await recordAudit({ actor, action: "draft.reject", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version: draft.version, note: data.note } });
  const result = await rejectRun({ draftId: id, note: data.note, actor });
  return { rejected: true, runId: result.runId };
}
