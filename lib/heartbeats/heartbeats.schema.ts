// Heartbeats (INTERFACES.md): the entries of workspace/heartbeats.yaml, the statuses and event kinds,
// and what the API returns for each heartbeat.
import { z } from "zod";
import { DURATION_PATTERN } from "@/lib/pipelines/pipeline.schema";
import { SLUG_PATTERN } from "@/lib/workspace/paths";

export const HEARTBEATS_FILE = "heartbeats.yaml";
export const HEARTBEATS_FILE_MAX_BYTES = 256 * 1024;
/** Healthchecks.io's default: an hour after the due time before a heartbeat is late. */
export const DEFAULT_GRACE_MS = 60 * 60_000;
/** A ping's body is kept as the signal's text up to this size. */
export const PING_BODY_MAX_BYTES = 10 * 1024;

export const HEARTBEAT_STATUSES = ["new", "up", "late", "failing", "paused"] as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];

export const EVENT_KINDS = ["start", "success", "fail", "run", "nothing", "skipped", "missed", "late", "alert", "recovered", "paused", "resumed"] as const;
export type HeartbeatEventKind = (typeof EVENT_KINDS)[number];
/** Event kinds that are a tick's or a job's result: the board's strip of the last 30. */
export const RESULT_KINDS = ["success", "fail", "nothing", "skipped", "missed"] as const;
/** How many results the strip shows. */
export const RESULTS_STRIP = 30;
/** How many events a heartbeat's page lists as its history. */
export const HISTORY_LENGTH = 200;

const ZSlug = z.string({ error: "every heartbeat needs a slug" }).regex(SLUG_PATTERN, { error: "expected a slug (lowercase letters, digits and dashes)" });
const ZDuration = z.union([z.string().trim().regex(DURATION_PATTERN, { error: 'expected a duration such as "90s", "30m" or "2h"' }), z.number().positive({ error: "expected a positive number of seconds" })]);

export const ZPingHeartbeat = z
  .strictObject({
    slug: ZSlug,
    name: z.string().trim().min(1).max(200).optional(),
    cron: z.string().min(1).max(200).optional(),
    every: ZDuration.optional(),
    timezone: z.string().min(1).max(100).default("UTC"),
    grace: ZDuration.optional(),
    client: ZSlug.optional(),
    on_failure: ZSlug.optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.cron === undefined) === (entry.every === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "give either cron or every (how often the job pings)" });
    }
  });
export type PingHeartbeatEntry = z.infer<typeof ZPingHeartbeat>;

export const ZHeartbeatSlugInput = z.object({ slug: z.string().regex(SLUG_PATTERN, "Unknown heartbeat") });

/** One heartbeat as GET /api/heartbeats lists it. */
export type HeartbeatSummary = {
  slug: string;
  name: string;
  status: HeartbeatStatus;
  lastSignalAt: string | null;
  nextDueAt: string | null;
  pingUrl: string | null;
  kind: "pipeline" | "ping";
  schedule: string;
  timezone: string;
  graceMs: number;
  client: string | null;
  lateAt: string | null;
  startedAt: string | null;
  lastError: string | null;
  /** turned failing or late again within an hour of its last alert (alerted once, not again) */
  flapping: boolean;
  results: { kind: string; at: string; message: string | null }[];
};
