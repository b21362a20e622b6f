// Drafts: what an approval step wrote, each save a new version, approved or rejected exactly once.
// Approval is of a version: a single conditional UPDATE decides, so a double click, two tabs, or the
// API and the page at the same moment give one decision and one continuation of the run.
import "server-only";
import { recordAudit, type Actor } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { decodeOptionalCursor, olderThan, toPage, type PageCursor } from "@/lib/db/cursor";
import { NotFoundError, SafeError } from "@/lib/errors";
import type { DraftDecisionHandler, Tx } from "@/lib/drafts/decision";
import { ZApproveDraftInput, ZListDraftsInput, ZRejectDraftInput, ZSaveDraftInput, type DraftStatus, type ListDraftsInput } from "@/lib/drafts/drafts.schema";

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

/**
 * Drafts for the inbox, `{ items, nextCursor }`: pending first (newest first), then the decided ones
 * (newest first). Keyset pagination over (createdAt, id) within each of the two phases.
 */
export async function listDrafts(input: ListDraftsInput = {}) {
  const q = ZListDraftsInput.parse(input);
  const clientFilter = q.clientSlug ? { client: { slug: q.clientSlug } } : {};
  const pipelineFilter = q.pipeline ? { pipelineSlug: q.pipeline } : {};
  const periodFilter = q.updatedFrom || q.updatedTo ? { updatedAt: { ...(q.updatedFrom ? { gte: q.updatedFrom } : {}), ...(q.updatedTo ? { lt: q.updatedTo } : {}) } } : {};
  const cursor = decodeOptionalCursor(q.cursor);
  const inPending = cursor?.section === "pending";
  const page = (status: DraftStatus | { not: DraftStatus }, c: PageCursor | null, take: number) =>
    prisma.draft.findMany({
      where: { status, ...clientFilter, ...pipelineFilter, ...periodFilter, ...olderThan(c) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take,
      select: listSelect,
    });
  let rows: Awaited<ReturnType<typeof page>> = [];
  if (q.status) {
    rows = await page(q.status, cursor, q.limit + 1);
  } else {
    if (!cursor || inPending) rows = await page("pending", cursor, q.limit + 1);
    if (rows.length <= q.limit) rows = [...rows, ...(await page({ not: "pending" }, cursor && !inPending ? cursor : null, q.limit + 1 - rows.length))];
  }
  return toPage(rows, q.limit, (last) => (last.status === "pending" ? "pending" : "decided"));
}

function parseAuditData(json: string | null): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const data: unknown = JSON.parse(json);
    return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * One draft: the current title and body, every version (without bodies: a body may be 2 MB, read one
 * with getDraftVersion), the run and step it came from, and its audit trail.
 */
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
      runStep: { select: { id: true, stepId: true, status: true, attempt: true } },
      versions: { orderBy: { version: "asc" }, select: { version: true, title: true, authorLabel: true, createdAt: true } },
    },
  });
  if (!draft) throw new NotFoundError("No such draft");
  const audit = await prisma.auditLog.findMany({
    where: { targetType: "draft", targetId: id },
    orderBy: { id: "asc" },
    take: 500,
    select: { id: true, at: true, actorLabel: true, action: true, dataJson: true },
  });
  return { ...draft, audit: audit.map(({ dataJson, ...a }) => ({ ...a, data: parseAuditData(dataJson) })) };
}

/** One version of a draft, with its body. */
export async function getDraftVersion(id: string, version: number) {
  const row = await prisma.draftVersion.findUnique({
    where: { draftId_version: { draftId: id, version } },
    select: { version: true, title: true, body: true, authorLabel: true, createdAt: true },
  });
  if (!row) throw new NotFoundError(`This draft has no version ${version}`);
  return row;
}

async function requireDraft(id: string) {
  const draft = await prisma.draft.findUnique({
    where: { id },
    select: { id: true, status: true, version: true, approvedVersion: true, title: true, clientId: true, runId: true, runStepId: true, decidedByLabel: true },
  });
  if (!draft) throw new NotFoundError("No such draft");
  return draft;
}

function alreadyDecided(d: { status: string; decidedByLabel: string | null; approvedVersion: number | null }): SafeError {
  const what = d.status === "approved" && d.approvedVersion ? `approved (version ${d.approvedVersion})` : d.status;
  return new SafeError(`This draft was already ${what}${d.decidedByLabel ? ` by ${d.decidedByLabel}` : ""}; nothing changed`, 409);
}

/** Saves a new version (only while pending). With baseVersion, a save over a newer version is refused. */
export async function saveDraftVersion(id: string, input: unknown, actor: Actor) {
  const data = ZSaveDraftInput.parse(input);
  // without a baseVersion the caller saves over whatever is current, so a lost race is simply retried
  for (let tries = 0; ; tries++) {
    const draft = await requireDraft(id);
    if (draft.status !== "pending") throw alreadyDecided(draft);
    const expected = data.baseVersion ?? draft.version;
    const next = expected + 1;
    const title = data.title ?? draft.title;
    // the version bump is the compare-and-swap: of two saves from the same version, one wins
    const swapped = await prisma.$transaction(async (tx) => {
      const swap = await tx.draft.updateMany({ where: { id, status: "pending", version: expected }, data: { version: next, title, body: data.body } });
      if (swap.count !== 1) return false;
      await tx.draftVersion.create({ data: { draftId: id, version: next, title, body: data.body, authorId: actor.id ?? null, authorLabel: actor.label } });
      return true;
    });
    if (swapped) {
      await recordAudit({ actor, action: "draft.edit", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version: next, baseVersion: expected } });
      return { id, version: next };
    }
    const now = await requireDraft(id);
    if (now.status !== "pending") throw alreadyDecided(now);
    if (data.baseVersion === undefined && tries < 3) continue;
    throw new SafeError(`This draft changed since you opened it (now version ${now.version}). Reload to see that version, then make your edit again.`, 409);
  }
}

/**
 * Approves one version, exactly once: refused (409) when the draft is already decided or when the
 * version the reviewer read is no longer current. The decision and the run's continuation commit in
 * one transaction through `decide` (the engine's applyDraftDecision), so no crash can leave a decided
 * draft with its run still waiting.
 */
export async function approveDraft(id: string, input: unknown, actor: Actor, decide: DraftDecisionHandler) {
  const data = ZApproveDraftInput.parse(input);
  const draft = await requireDraft(id);
  if (draft.status !== "pending") throw alreadyDecided(draft);
  const version = data.version ?? draft.version;
  const approved = await prisma.draftVersion.findUnique({ where: { draftId_version: { draftId: id, version } }, select: { title: true, body: true } });
  const result = approved
    ? await decide({
        draftId: id,
        runId: draft.runId,
        runStepId: draft.runStepId,
        outcome: { kind: "approved", version, title: approved.title, body: approved.body },
        actor,
        record: async (tx: Tx) => {
          const won = await tx.draft.updateMany({
            where: { id, status: "pending", version },
            data: { status: "approved", approvedVersion: version, decidedById: actor.id ?? null, decidedByLabel: actor.label, decisionNote: data.note || null, decidedAt: new Date() },
          });
          return won.count === 1;
        },
      })
    : null;
  if (!result?.recorded) {
    const now = await requireDraft(id);
    if (now.status !== "pending") throw alreadyDecided(now);
    throw new SafeError(`This draft changed since you loaded it: version ${now.version} is current, not version ${version}. Review version ${now.version} and approve again.`, 409);
  }
  await recordAudit({ actor, action: "draft.approve", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version, note: data.note || null } });
  return { id, status: "approved" as const, version, continued: result.continued, runId: result.runId };
}

/**
 * Rejects the draft with a note (required) and ends its run as rejected, exactly once, in one transaction.
 * With `version`, a rejection of a version that is no longer current is refused, as for approval.
 */
export async function rejectDraft(id: string, input: unknown, actor: Actor, decide: DraftDecisionHandler) {
  const data = ZRejectDraftInput.parse(input);
  const draft = await requireDraft(id);
  if (draft.status !== "pending") throw alreadyDecided(draft);
  const result = await decide({
    draftId: id,
    runId: draft.runId,
    runStepId: draft.runStepId,
    outcome: { kind: "rejected", note: data.note },
    actor,
    record: async (tx: Tx) => {
      const won = await tx.draft.updateMany({
        where: { id, status: "pending", ...(data.version === undefined ? {} : { version: data.version }) },
        data: { status: "rejected", decidedById: actor.id ?? null, decidedByLabel: actor.label, decisionNote: data.note, decidedAt: new Date() },
      });
      return won.count === 1;
    },
  });
  if (!result.recorded) {
    const now = await requireDraft(id);
    if (now.status !== "pending") throw alreadyDecided(now);
    throw new SafeError(`This draft changed since you loaded it: version ${now.version} is current, not version ${data.version}. Review version ${now.version} and decide again.`, 409);
  }
  const version = data.version ?? draft.version;
  await recordAudit({ actor, action: "draft.reject", targetType: "draft", targetId: id, clientId: draft.clientId, data: { version, note: data.note } });
  return { id, status: "rejected" as const, version, ended: result.continued, runId: result.runId };
}
