// `${VAR}` and `${VAR:-default}` expansion in MCP config values. Only names in `allowed` (when given)
// expand; anything else is left as written and reported.

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type ExpandContext = {
  vars: Record<string, string | undefined>;
  /** when set, only these names may expand (a client's .mcp.json) */
  allowed?: ReadonlySet<string>;
};

export type ExpandResult = { value: string; missing: string[]; refused: string[]; used: string[] };

export function expandString(input: string, ctx: ExpandContext): ExpandResult {
  const missing: string[] = [];
  const refused: string[] = [];
  const used: string[] = [];
  const value = input.replace(PATTERN, (whole, name: string, fallback: string | undefined) => {
    if (ctx.allowed && !ctx.allowed.has(name)) {
      refused.push(name);
      return whole;
    }
    const v = ctx.vars[name];
    if (v !== undefined && v !== "") {
      used.push(name);
      return v;
    }
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return "";
  });
  return { value, missing, refused, used };
}
