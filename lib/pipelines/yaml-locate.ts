// Finds the line of a value (or of a key) in a parsed YAML document, for errors that name the place.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

type Located = { line: number | null };

function nodeLine(node: { range?: [number, number, number] | null } | null | undefined, lines: LineCounter): number | null {
  const start = node?.range?.[0];
  return start === undefined ? null : lines.linePos(start).line;
}

function keyMatches(key: unknown, segment: string | number): boolean {
  return isScalar(key) ? String(key.value) === String(segment) : String(key) === String(segment);
}

/**
 * The line of the deepest node along `path` that exists. With `key`, the line of that key inside the
 * map at `path` (for "unknown key" errors).
 */
export function locateInDocument(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): Located {
  let node: unknown = doc.contents;
  let line = nodeLine(doc.contents as Node | null, lines) ?? 1;
  const segments: PropertyKey[] = key === undefined ? [...path] : [...path, key];
  for (const segment of segments) {
    if (typeof segment === "symbol") break;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyMatches(p.key, segment));
      if (!pair) break;
      line = nodeLine(isScalar(pair.key) ? pair.key : null, lines) ?? line;
      node = pair.value;
      // a value on its own line (a nested map) is best named by its key's line
      if (node && !isMap(node) && !isSeq(node)) line = nodeLine(node as Node, lines) ?? line;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      line = nodeLine(item as Node, lines) ?? line;
      node = item;
    } else break;
  }
  return { line };
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
