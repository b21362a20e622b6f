// JSON the database keeps in text columns (a run's pipeline and inputs, a step's output, an event's
// data): read back leniently, since a row written by an older version must never break a page.
import "server-only";

/** The parsed value, or null when the column is empty or not JSON. */
export function parseStoredJson(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
