// What marks a run as an ad-hoc tool call (adhoc-calls.ts makes them), apart from the MCP code so the
// run queries and pages can tell the two kinds apart without loading it.

export const ADHOC_TRIGGER = "adhoc";
/** Ad-hoc calls have no pipeline; the empty slug cannot collide with a pipeline's (slugs are never empty). */
export const ADHOC_PIPELINE_SLUG = "";
/** The server and tool of an ad-hoc run, from its name ("<server>/<tool>"; server names have no "/"). */
export function adHocCallOf(run: { trigger: string; pipelineName: string }): { server: string; tool: string } | null {
  if (run.trigger !== ADHOC_TRIGGER) return null;
  const slash = run.pipelineName.indexOf("/");
  return slash < 0 ? { server: run.pipelineName, tool: "" } : { server: run.pipelineName.slice(0, slash), tool: run.pipelineName.slice(slash + 1) };
}
