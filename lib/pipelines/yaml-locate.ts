// Finds the line of a value (or of a key) in a parsed YAML document, for errors that name the place.
// yaml does the finding (Document.getIn) and keeps each node's source range; its LineCounter turns an
// offset into a line.
import { isCollection, isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { z } from "zod";

type Located = { line: number | null };
type Segment = string | number;

function lineAt(node: unknown, lines: LineCounter): number | null {
  const start = isNode(node) ? node.range?.[0] : undefined;
  return start === undefined ? null : lines.linePos(start).line;
}

/** The node at `path`, and its key's node when it is a map's value; null when the path does not exist. */
function find(doc: Document, path: readonly Segment[]): { node: unknown; key: Node | null } | null {
  if (path.length === 0) return { node: doc.contents, key: null };
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    // the pair, not only its value: a key with an empty value still has a line
    const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(last));
    return pair ? { node: pair.value, key: isNode(pair.key) ? pair.key : null } : null;
  }
  if (isSeq(parent) && typeof last === "number" && last < parent.items.length) return { node: parent.items[last], key: null };
  return null;
}

/**
 * The line of the deepest node along `path` that exists. With `key`, the line of that key inside the
 * map at `path` (for "unknown key" errors).
 */
export function locateInDocument(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): Located {
  const all = key === undefined ? [...path] : [...path, key];
  const symbolAt = all.findIndex((s) => typeof s === "symbol");
  const segments = (symbolAt === -1 ? all : all.slice(0, symbolAt)) as Segment[];
  for (let depth = segments.length; depth > 0; depth--) {
    const found = find(doc, segments.slice(0, depth));
    if (!found) continue;
    // a nested map or list starts on the line after its key; the key names the place better
    const line = found.key && (isCollection(found.node) || !isNode(found.node)) ? lineAt(found.key, lines) : (lineAt(found.node, lines) ?? lineAt(found.key, lines));
    if (line !== null) return { line };
  }
  return { line: lineAt(doc.contents, lines) ?? 1 };
}

/** `["steps", 1, "tool"]` -> `steps[1].tool` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/**
 * Errors for a YAML file that is a list of entries, each parsed on its own (heartbeats.yaml,
 * notifications.yaml): "<file>:<line> <path>: <message>", an unknown key named at its own line.
 */
export function listEntryErrors(doc: Document, lines: LineCounter, file: string) {
  const at = (path: readonly PropertyKey[], key?: string) => {
    const { line } = locateInDocument(doc, lines, path, key);
    return `${file}${line ? `:${line}` : ""}`;
  };
  return {
    /** entry `index` failed its schema: one line per issue */
    ofIssues(index: number, issues: readonly z.core.$ZodIssue[]): string[] {
      return issues.flatMap((issue) => {
        const p = [index, ...issue.path.filter((s): s is string | number => typeof s !== "symbol")];
        if (issue.code === "unrecognized_keys") return issue.keys.map((key) => `${at(p, key)} ${formatPath([...p, key])}: unknown key "${key}"`);
        return [`${at(p)} ${formatPath(p)}: ${issue.message.replace(/^Invalid input: /, "")}`];
      });
    },
    /** a problem found after the schema, at one key of entry `index` */
    atKey(index: number, key: string, message: string): string {
      return `${at([index, key])} ${formatPath([index, key])}: ${message}`;
    },
  };
}
