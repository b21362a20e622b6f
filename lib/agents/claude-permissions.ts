// Claude Code's permission rules for an agent step: its built-in tools are the ones the step lists in
// `builtin:` and nothing else (`tools`), every other built-in is denied by name (`disallowedTools`), and
// those it lists are pre-allowed only as far as a rule reaches (`allowedTools`; the runner runs in
// `dontAsk` mode, where anything not pre-allowed is refused, and loads no settings file that could add
// rules). The file tools are scoped to the working directory, the client's folder: `Read(./**)`.
// Bash cannot be scoped by path (a command names any file it likes): listing it allows any command, and
// the sandbox around the process (lib/agents/sandbox.ts) is what keeps it inside the client's folder.
import "server-only";
import { BUILTIN_TOOL_NAMES } from "@anthropic-ai/claude-agent-sdk";

/** Tools that read files: Claude Code checks them against Read rules as well as their own. */
const READ_TOOLS = new Set(["Read", "Grep", "Glob"]);
/** Tools that change files: checked against Edit rules as well as their own. */
const EDIT_TOOLS = new Set(["Edit", "Write", "NotebookEdit"]);
/** Everything under the working directory (the client's folder), relative to it. */
export const FOLDER_SCOPE = "./**";

export type ClaudePermissions = { tools: string[]; allowedTools: string[]; disallowedTools: string[] };

/** The rules for a step's built-ins (already validated against CLAUDE_CODE_BUILTINS) and its gateway tools. */
export function claudePermissions(builtin: readonly string[], gatewayTools: readonly string[]): ClaudePermissions {
  const tools = [...new Set(builtin)];
  const allowed = new Set<string>();
  for (const tool of tools) {
    if (READ_TOOLS.has(tool)) {
      allowed.add(`Read(${FOLDER_SCOPE})`);
      allowed.add(`${tool}(${FOLDER_SCOPE})`);
    } else if (EDIT_TOOLS.has(tool)) {
      allowed.add(`Edit(${FOLDER_SCOPE})`);
      allowed.add(`${tool}(${FOLDER_SCOPE})`);
    } else {
      // Bash (held by the sandbox), WebFetch, WebSearch, TodoWrite: no path to scope by
      allowed.add(tool);
    }
  }
  for (const name of gatewayTools) allowed.add(name);
  // a deny rule on Read would also deny Grep's reads (and Edit, Write's edits): a family's head is left
  // out of the denials when one of its tools is listed; `tools` still keeps it from being offered
  const kept = new Set(tools);
  if (tools.some((t) => READ_TOOLS.has(t))) kept.add("Read");
  if (tools.some((t) => EDIT_TOOLS.has(t))) kept.add("Edit");
  const disallowedTools = BUILTIN_TOOL_NAMES.filter((name) => !kept.has(name));
  return { tools, allowedTools: [...allowed], disallowedTools };
}
