// Counts the SQL statements and commits better-sqlite3 executes in this process (Prisma's adapter and
// any raw statement alike), by wrapping the Statement methods. Bench-only: it patches a prototype.
import Database from "better-sqlite3";

export type SqlCounts = { statements: number; writes: number; commits: number; bySql: Map<string, number> };

/** `ignored`: a connection of the bench's own (its polling), not counted. */
export function countSql(ignored?: Database.Database): { counts: SqlCounts; reset: () => void } {
  const counts: SqlCounts = { statements: 0, writes: 0, commits: 0, bySql: new Map() };
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>;
  probe.close();
  for (const method of ["run", "get", "all", "iterate"] as const) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    if ((original as { counted?: boolean }).counted) continue;
    const wrapped = function (this: { source: string; reader: boolean; database: { inTransaction: boolean } }, ...args: unknown[]) {
      const sql = this.source.trim();
      const verb = sql.slice(0, 8).toUpperCase();
      const inTransaction = this.database.inTransaction;
      const result = original.apply(this, args);
      if (this.database === ignored) return result;
      counts.statements += 1;
      const key = sql.replace(/\s+/g, " ").slice(0, 70);
      counts.bySql.set(key, (counts.bySql.get(key) ?? 0) + 1);
      if (verb.startsWith("COMMIT") || verb.startsWith("END")) counts.commits += 1;
      else if (/^(INSERT|UPDATE|DELETE|REPLACE)/.test(verb)) {
        counts.writes += 1;
        // a write outside a transaction commits on its own
        if (!inTransaction) counts.commits += 1;
      }
      return result;
    };
    (wrapped as unknown as { counted: boolean }).counted = true;
    proto[method] = wrapped;
  }
  return {
    counts,
    reset: () => {
      counts.statements = 0;
      counts.writes = 0;
      counts.commits = 0;
      counts.bySql.clear();
    },
  };
}
