// listRuns at scale: the table is seeded with raw prepared inserts in one transaction (Prisma would take
// minutes for a million rows), then every filter the /runs page offers, alone and combined, is timed on
// its first pages. Goal: p95 < 50 ms for every filter shape.
import { randomUUID } from "node:crypto";
import { percentile } from "./measure";

export const LIST_RUNS_P95_GOAL_MS = 50;

const round = (n: number) => Math.round(n * 100) / 100;

/** A small seeded generator, so every bench run seeds the same table. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const SPAN_DAYS = 365;
const PIPELINES = ["blog-post", "site-report", "deploy", "reply-draft", "uptime", "seo-audit", "backup-check", "invoice"];
// weights: most runs succeed; a few are still active, so the rare statuses are filters too
const STATUS_WEIGHTS: [string, number][] = [
  ["succeeded", 0.8],
  ["failed", 0.1],
  ["cancelled", 0.04],
  ["rejected", 0.03],
  ["waiting", 0.02],
  ["queued", 0.005],
  ["running", 0.005],
];

type Seeded = { clients: string[]; now: number };

/** Inserts `total` runs spread over a year, oldest first, with 40 clients (and some runs with none). */
export async function seedRuns(total: number): Promise<Seeded & { seconds: number }> {
  const Database = (await import("better-sqlite3")).default;
  const { databasePath } = await import("@/lib/env");
  const started = performance.now();
  // Runs before anything else opens the bench's throwaway file: no WAL copy and no fsync while seeding,
  // and the Run indexes are built once after the rows are in (far faster than a million index updates).
  const db = new Database(databasePath());
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Run' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  const random = mulberry32(42);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const clients = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), slug: `bench-client-${i}` }));
  const pickStatus = () => {
    let r = random();
    for (const [status, weight] of STATUS_WEIGHTS) if ((r -= weight) < 0) return status;
    return "succeeded";
  };
  db.transaction(() => {
    const client = db.prepare(`INSERT INTO "Client" ("id", "slug", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`);
    for (const c of clients) client.run(c.id, c.slug, c.slug, iso(now), iso(now));
    const run = db.prepare(`INSERT INTO "Run" ("id", "pipelineSlug", "pipelineName", "pipelineJson", "clientId", "status", "createdAt", "startedAt", "finishedAt", "updatedAt") VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?, ?)`);
    const start = now - SPAN_DAYS * DAY;
    for (let i = 0; i < total; i++) {
      const created = start + Math.floor((i / total) * SPAN_DAYS * DAY);
      // clients have their own pipelines (a client runs 2-4 of the 8), as an agency's would
      const c = Math.floor(random() * (clients.length + 2));
      const clientId = c < clients.length ? clients[c].id : null;
      const pipeline = PIPELINES[(c * 3 + Math.floor(random() * (2 + (c % 3)))) % PIPELINES.length];
      const status = pickStatus();
      run.run(`bench${i.toString(36).padStart(8, "0")}`, pipeline, pipeline, clientId, status, iso(created), iso(created), iso(created + 5_000), iso(created + 5_000));
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.pragma("journal_mode = WAL");
  db.close();
  return { clients: clients.map((c) => c.slug), now, seconds: (performance.now() - started) / 1000 };
}

type Filter = { clientSlug?: string; pipeline?: string; status?: string | string[]; from?: Date; to?: Date };

/** Every combination of the page's filters: client, pipeline, status, and a from and/or to day. */
function filterShapes(seeded: Seeded, random: () => number): Record<string, () => Filter> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const statuses = STATUS_WEIGHTS.map(([s]) => s);
  const day = () => seeded.now - Math.floor(random() * SPAN_DAYS) * DAY;
  const dims: Record<string, (f: Filter) => void> = {
    client: (f) => (f.clientSlug = pick(seeded.clients)),
    pipeline: (f) => (f.pipeline = pick(PIPELINES)),
    status: (f) => (f.status = pick(statuses)),
    from: (f) => (f.from = new Date(day())),
    to: (f) => (f.to = new Date((f.from?.getTime() ?? day()) + (1 + Math.floor(random() * 30)) * DAY)),
  };
  const names = Object.keys(dims);
  const shapes: Record<string, () => Filter> = {};
  for (let mask = 0; mask < 1 << names.length; mask++) {
    const used = names.filter((_, i) => mask & (1 << i));
    shapes[used.length ? used.join("+") : "none"] = () => {
      const f: Filter = {};
      for (const name of used) dims[name](f);
      return f;
    };
  }
  // the API also takes several statuses at once
  shapes["statuses(api)"] = () => ({ status: [pick(statuses), pick(statuses)] });
  shapes["client+statuses(api)"] = () => ({ clientSlug: pick(seeded.clients), status: [pick(statuses), pick(statuses)] });
  return shapes;
}

export async function benchListRuns(total = 1_000_000) {
  const { listRuns } = await import("@/lib/engine/run-list");
  const seeded = await seedRuns(total);
  const random = mulberry32(7);
  const shapes = filterShapes(seeded, random);
  const all: number[] = [];
  const byShape: Record<string, { p50: number; p95: number; max: number }> = {};
  // warm the page cache as a long-running server would have it
  for (const shape of Object.values(shapes)) await listRuns({ ...shape(), limit: 50 } as Parameters<typeof listRuns>[0]);
  for (const [name, shape] of Object.entries(shapes)) {
    const own: number[] = [];
    for (let i = 0; i < 12; i++) {
      const filter = shape();
      let cursor: string | null | undefined;
      // the first page and the next two through the cursor
      for (let page = 0; page < 3; page++) {
        const started = performance.now();
        const result = await listRuns({ ...filter, cursor, limit: 50 } as Parameters<typeof listRuns>[0]);
        own.push(performance.now() - started);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
    }
    all.push(...own);
    byShape[name] = { p50: round(percentile(own, 50)), p95: round(percentile(own, 95)), max: round(Math.max(...own)) };
  }
  const worst = Object.entries(byShape).sort((a, b) => b[1].p95 - a[1].p95)[0];
  return {
    runsInTable: total,
    seedSeconds: round(seeded.seconds),
    filterShapes: Object.keys(shapes).length,
    listRunsP50Ms: round(percentile(all, 50)),
    listRunsP95Ms: round(percentile(all, 95)),
    worstShape: worst[0],
    worstShapeP95Ms: worst[1].p95,
    p95GoalMs: LIST_RUNS_P95_GOAL_MS,
    meetsGoal: Object.values(byShape).every((s) => s.p95 < LIST_RUNS_P95_GOAL_MS),
    byShape,
  };
}
