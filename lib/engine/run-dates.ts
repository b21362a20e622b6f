// What the runs list's `from` and `to` mean, the same on /runs and in GET /api/runs (both read them
// through ZListRunsInput, which calls runDateBound).
//
// A day (YYYY-MM-DD) is a calendar day in UTC, and both ends include their day: from=2026-03-01&to=2026-03-01
// lists the runs created on 1 March between 00:00 and 24:00 UTC. UTC rather than the viewer's zone because
// the API has no viewer, the page's plain GET form sends no zone, and a link or script must give the same
// list to everyone who opens it. A full ISO 8601 time (2026-03-01T09:30:00Z) is an exact instant instead:
// `from` includes it, `to` does not.
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The createdAt bound for a `from` or `to` value: `from` is the first instant included, `to` the first
 * instant excluded (so a `to` day becomes the start of the next day, UTC). Blank is no bound; text that is
 * neither a real day nor a time is returned as it is, for the schema to refuse with a message.
 */
export function runDateBound(value: unknown, edge: "from" | "to"): unknown {
  if (value === null || value === undefined || value === "") return undefined;
  if (value instanceof Date || typeof value !== "string") return value;
  const day = DAY.exec(value.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const start = new Date(Date.UTC(y, m, d));
    // 2026-02-30 rolls over in Date.UTC; a day that does not exist is refused, not moved
    if (start.getUTCFullYear() !== y || start.getUTCMonth() !== m || start.getUTCDate() !== d) return value;
    return edge === "to" ? new Date(Date.UTC(y, m, d + 1)) : start;
  }
  const instant = new Date(value);
  return /T\d{2}:\d{2}/.test(value) && !Number.isNaN(instant.getTime()) ? instant : value;
}
