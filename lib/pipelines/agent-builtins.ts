// What an agent step may list in `builtin:`, per runner: the runner's own tools beside the gateway's.
// Every one is off unless listed. A pipeline naming one its runner does not know is refused at load.
//
// claude-code: Claude Code's tool names. The file tools are allowed only inside the client's folder
// (path-scoped permission rules); Bash cannot be path-scoped, so the sandbox is what holds it.
// codex: a small vocabulary of codex's tool groups, each switched on by codex's own config; a group's
// tool names (e.g. exec_command) are accepted too and stand for their group.

export const CLAUDE_CODE_BUILTINS = ["Read", "Grep", "Glob", "Edit", "Write", "NotebookEdit", "Bash", "WebFetch", "WebSearch", "TodoWrite"] as const;

export const CODEX_BUILTINS = {
  /** a shell: exec_command and write_stdin (features.shell_tool) */
  shell: ["exec_command", "write_stdin"],
  /** OpenAI's hosted web search (web_search = "live") */
  web_search: ["web_search"],
  /** sub-agents: spawn_agent, send_input, wait_agent, resume_agent, close_agent (features.multi_agent) */
  multi_agent: ["spawn_agent", "send_input", "wait_agent", "resume_agent", "close_agent"],
  /** view a local image file (features.view_image) */
  view_image: ["view_image"],
  /** ask the user a question; exec mode has nobody to answer (tools.experimental_request_user_input) */
  request_user_input: ["request_user_input"],
  /** get_goal, create_goal, update_goal (features.goals) */
  goals: ["get_goal", "create_goal", "update_goal"],
} as const satisfies Record<string, readonly string[]>;

export type CodexBuiltin = keyof typeof CODEX_BUILTINS;
const CODEX_GROUPS = Object.keys(CODEX_BUILTINS) as CodexBuiltin[];

/** A codex `builtin:` entry's group (by group or tool name), or null when codex has no such built-in. */
export function codexBuiltinGroup(name: string): CodexBuiltin | null {
  if ((CODEX_GROUPS as string[]).includes(name)) return name as CodexBuiltin;
  return CODEX_GROUPS.find((g) => (CODEX_BUILTINS[g] as readonly string[]).includes(name)) ?? null;
}

/** Why a step's `builtin:` list does not fit its runner, or null when it does. */
export function builtinProblem(runner: string, builtin: readonly string[]): string | null {
  if (builtin.length === 0) return null;
  if (runner === "claude-code") {
    const unknown = builtin.filter((b) => !(CLAUDE_CODE_BUILTINS as readonly string[]).includes(b));
    return unknown.length ? `claude-code has no built-in ${unknown.map((u) => `"${u}"`).join(", ")}; expected some of ${CLAUDE_CODE_BUILTINS.join(", ")}` : null;
  }
  if (runner === "codex") {
    const unknown = builtin.filter((b) => codexBuiltinGroup(b) === null);
    return unknown.length ? `codex has no built-in ${unknown.map((u) => `"${u}"`).join(", ")}; expected some of ${CODEX_GROUPS.join(", ")}` : null;
  }
  return `the ${runner} runner has no built-in tools; remove builtin`;
}
