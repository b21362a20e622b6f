// Every heartbeat the workspace declares: each pipeline with a `schedule:` block, and each entry of
// heartbeats.yaml (jobs that run elsewhere and only ping). A broken entry or file is reported with its
// file and line and leaves the other heartbeats running.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Cron } from "croner";
import { LineCounter, parseDocument } from "yaml";
import { workspaceDir } from "@/lib/env";
import { isValidTimezone } from "@/lib/pipelines/check-pipeline";
import { listPipelines } from "@/lib/pipelines/load-pipelines";
import { durationMs, type OVERLAP_POLICIES, type PipelineSchedule } from "@/lib/pipelines/pipeline.schema";
import { listEntryErrors } from "@/lib/pipelines/yaml-locate";
import { DEFAULT_GRACE_MS, HEARTBEATS_FILE, HEARTBEATS_FILE_MAX_BYTES, ZPingHeartbeat } from "@/lib/heartbeats/heartbeats.schema";

export type HeartbeatDefinition = {
  slug: string;
  name: string;
  kind: "pipeline" | "ping";
  /** relative to the workspace */
  file: string;
  cron: string | null;
  everyMs: number | null;
  timezone: string;
  graceMs: number;
  clientSlug: string | null;
  catchUp: "none" | "one";
  /** whether a run waiting for a human blocks the next tick ("skip") or not ("skip-while-running") */
  overlap: (typeof OVERLAP_POLICIES)[number];
  onFailure: string | null;
  when: { server: string; tool: string; args: Record<string, unknown> } | null;
  /** the pipeline a tick runs (pipeline heartbeats only) */
  pipelineSlug: string | null;
  inputs: Record<string, string | number | boolean>;
};

export type HeartbeatDefinitions = { heartbeats: HeartbeatDefinition[]; errors: string[] };

const cronCache = new Map<string, Cron>();

/** A paused croner instance for a heartbeat's pattern and timezone (croner computes DST-correct times). */
export function cronFor(def: Pick<HeartbeatDefinition, "cron" | "timezone">): Cron | null {
  if (!def.cron) return null;
  const key = `${def.timezone}\u0000${def.cron}`;
  let cron = cronCache.get(key);
  if (!cron) {
    cron = new Cron(def.cron, { paused: true, timezone: def.timezone });
    cronCache.set(key, cron);
  }
  return cron;
}

function cronProblem(cron: string, timezone: string): string | null {
  try {
    new Cron(cron, { paused: true, timezone });
    return null;
  } catch (error) {
    return `invalid cron "${cron}": ${error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : "invalid"}`;
  }
}

function fromSchedule(slug: string, name: string, file: string, schedule: PipelineSchedule): HeartbeatDefinition {
  const [server, ...tool] = schedule.when?.tool.split("/") ?? [];
  return {
    slug,
    name,
    kind: "pipeline",
    file,
    cron: schedule.cron,
    everyMs: null,
    timezone: schedule.timezone,
    graceMs: schedule.grace === undefined ? DEFAULT_GRACE_MS : durationMs(schedule.grace),
    clientSlug: schedule.client ?? null,
    catchUp: schedule.catchUp,
    overlap: schedule.overlap ?? "skip",
    onFailure: schedule.on_failure ?? null,
    when: schedule.when ? { server, tool: tool.join("/"), args: schedule.when.args } : null,
    pipelineSlug: slug,
    inputs: schedule.inputs ?? {},
  };
}

type FileCache = { mtimeMs: number; size: number; result: { heartbeats: HeartbeatDefinition[]; errors: string[] } };
let fileCache: (FileCache & { absolute: string }) | null = null;

/** Parses heartbeats.yaml: a list of `{ slug, name, cron | every, timezone, grace, client? }`. */
export function parseHeartbeatsText(text: string, file = HEARTBEATS_FILE): { heartbeats: HeartbeatDefinition[]; errors: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { heartbeats: [], errors: doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line} YAML: ${e.message.split("\n")[0]}`) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { heartbeats: [], errors: [`${file} YAML: unreadable`] };
  }
  if (value === null || value === undefined) return { heartbeats: [], errors: [] };
  if (!Array.isArray(value)) return { heartbeats: [], errors: [`${file}:1 expected a list of heartbeats (- slug: ..., cron: ...)`] };
  const heartbeats: HeartbeatDefinition[] = [];
  const errors: string[] = [];
  const located = listEntryErrors(doc, lines, file);
  const seen = new Set<string>();
  value.forEach((raw, index) => {
    const parsed = ZPingHeartbeat.safeParse(raw);
    if (!parsed.success) {
      errors.push(...located.ofIssues(index, parsed.error.issues));
      return;
    }
    const entry = parsed.data;
    const problems: { key: string; message: string }[] = [];
    const tzOk = isValidTimezone(entry.timezone);
    if (!tzOk) problems.push({ key: "timezone", message: `"${entry.timezone}" is not an IANA timezone (e.g. America/Chicago, Europe/Berlin, UTC)` });
    if (entry.cron) {
      const problem = cronProblem(entry.cron, tzOk ? entry.timezone : "UTC");
      if (problem) problems.push({ key: "cron", message: problem });
    }
    if (seen.has(entry.slug)) problems.push({ key: "slug", message: `the slug "${entry.slug}" is used twice` });
    seen.add(entry.slug);
    if (problems.length) {
      for (const p of problems) errors.push(located.atKey(index, p.key, p.message));
      return;
    }
    heartbeats.push({
      slug: entry.slug,
      name: entry.name ?? entry.slug,
      kind: "ping",
      file,
      cron: entry.cron ?? null,
      everyMs: entry.every === undefined ? null : durationMs(entry.every),
      timezone: entry.timezone,
      graceMs: entry.grace === undefined ? DEFAULT_GRACE_MS : durationMs(entry.grace),
      clientSlug: entry.client ?? null,
      catchUp: "none",
      overlap: "skip",
      onFailure: entry.on_failure ?? null,
      when: null,
      pipelineSlug: null,
      inputs: {},
    });
  });
  return { heartbeats, errors };
}

function loadHeartbeatsFile(root: string): { heartbeats: HeartbeatDefinition[]; errors: string[] } {
  const absolute = path.join(root, HEARTBEATS_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(absolute);
  } catch {
    return { heartbeats: [], errors: [] };
  }
  if (!stat.isFile()) return { heartbeats: [], errors: [`${HEARTBEATS_FILE}: not a regular file`] };
  if (stat.size > HEARTBEATS_FILE_MAX_BYTES) {
    return { heartbeats: [], errors: [`${HEARTBEATS_FILE}: the file is ${Math.ceil(stat.size / 1024)} KB; it may be at most ${HEARTBEATS_FILE_MAX_BYTES / 1024} KB`] };
  }
  if (fileCache && fileCache.absolute === absolute && fileCache.mtimeMs === stat.mtimeMs && fileCache.size === stat.size) return fileCache.result;
  const result = parseHeartbeatsText(fs.readFileSync(absolute, "utf8"));
  fileCache = { absolute, mtimeMs: stat.mtimeMs, size: stat.size, result };
  return result;
}

// Pings and scheduler passes ask for the definitions many times a second; stat-ing every pipeline file
// each time costs tens of milliseconds with hundreds of files. The result is kept while the pipelines
// folder and heartbeats.yaml are unchanged, and at most TTL_MS, so an in-place edit shows within seconds.
const TTL_MS = 2_000;
let loaded: { root: string; signature: string; at: number; result: HeartbeatDefinitions } | null = null;

function signature(root: string): string {
  const part = (p: string) => {
    try {
      const s = fs.statSync(p);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return "-";
    }
  };
  return `${part(path.join(root, "pipelines"))}|${part(path.join(root, HEARTBEATS_FILE))}`;
}

/** Every heartbeat of the workspace, sorted by slug, with the errors of what could not be read. */
export function loadHeartbeats(root = workspaceDir()): HeartbeatDefinitions {
  const sig = signature(root);
  if (loaded && loaded.root === root && loaded.signature === sig && Date.now() - loaded.at < TTL_MS) return loaded.result;
  const result = readHeartbeats(root);
  loaded = { root, signature: sig, at: Date.now(), result };
  return result;
}

function readHeartbeats(root: string): HeartbeatDefinitions {
  const heartbeats: HeartbeatDefinition[] = [];
  const errors: string[] = [];
  for (const entry of listPipelines(root)) {
    if (entry.definition?.schedule) {
      heartbeats.push(fromSchedule(entry.slug, entry.definition.name, entry.file, entry.definition.schedule));
    } else if (!entry.valid) {
      // a pipeline whose schedule is broken is a heartbeat that will not run: say so on the board
      errors.push(...entry.issues.filter((i) => i.path.startsWith("schedule")).map((i) => `${entry.file}${i.line ? `:${i.line}` : ""} ${i.path}: ${i.message}`));
    }
  }
  const pings = loadHeartbeatsFile(root);
  errors.push(...pings.errors);
  const taken = new Set(heartbeats.map((h) => h.slug));
  for (const ping of pings.heartbeats) {
    if (taken.has(ping.slug)) {
      errors.push(`${HEARTBEATS_FILE}: the slug "${ping.slug}" is also a scheduled pipeline (pipelines/${ping.slug}.yaml); rename one of them`);
      continue;
    }
    heartbeats.push(ping);
  }
  heartbeats.sort((a, b) => a.slug.localeCompare(b.slug));
  return { heartbeats, errors };
}

/** The schedule in words for the board: the cron pattern or "every 1h". */
export function describeSchedule(def: Pick<HeartbeatDefinition, "cron" | "everyMs">): string {
  if (def.cron) return def.cron;
  const ms = def.everyMs ?? 0;
  if (ms % 86_400_000 === 0) return `every ${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000}m`;
  return `every ${Math.round(ms / 1000)}s`;
}
