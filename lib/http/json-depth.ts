// How deeply a JSON text nests, found without parsing it. Parsing is fine at any depth, but everything
// after it recurses once per level (schema checks, redaction, JSON.stringify when a call is stored, the
// run page rendering the arguments): 100,000 levels overflow the stack far from the request that sent
// them. Request bodies are refused past MAX_JSON_DEPTH instead (SECURITY.md, row 20).

export const MAX_JSON_DEPTH = 64;

/** True when `text` opens more than `max` arrays or objects inside each other (strings are skipped). */
export function jsonNestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}
