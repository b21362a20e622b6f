// The `codex` runner: `codex exec --json` as its own process group, with a CODEX_HOME of the step's own
// under the data folder (made for it, removed when it ends), the read-only sandbox, and Switchboard's HTTP gateway as its only MCP server (a bearer
// token minted for this step, handed over in an environment variable). Its JSONL events become the
// step's transcript; it has no turn limit of its own, so max_turns counts its tool calls here. Its own
// tools (the shell, web search, sub-agents...) are switched off by config unless the step lists them in
// `builtin:`, and each call of one it makes (a command, a file change) is in the transcript.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { agentEnv, serverVariables, type AgentEnv } from "@/lib/env";
import { GATEWAY_SERVER_NAME } from "@/lib/mcp/gateway-server";
import { liveToolName } from "@/lib/mcp/tool-search";
import { cliVersion, findOnPath } from "@/lib/agents/cli-binary";
import { killChildGroup, spawnGroup } from "@/lib/process-group";
import { boxedCommand, checkMounts, requireSandbox, withSandboxStatus } from "@/lib/agents/sandbox";
import { codexBuiltinGroup, type CodexBuiltin } from "@/lib/pipelines/agent-builtins";
import { AgentRunError, maxTurnsError, NO_USAGE, RunnerNotConfiguredError, type AgentEvent, type AgentRunner, type AgentRunRequest, type AgentRunResult, type RunnerStatus, type TokenUsage } from "@/lib/agents/runner";

const TOKEN_ENV = "SWITCHBOARD_GATEWAY_TOKEN";
const PROVIDER = "switchboard";
const STDERR_KEEP = 4_000;
const BOXED_CODEX_HOME = "/codex-home";
// codex waits this long for the gateway (its default is 10 s); the gateway is `required` (codex fails
// rather than start without it) and `startup_readiness="catalog"` (its first model request waits for the
// gateway's tool list: on a busy machine the agent otherwise started without the step's tools), when the
// step has tools (Settings' test call has none, and a token no step holds)
const MCP_STARTUP_TIMEOUT_SEC = 60;
// the gateway's tools run without codex's own approval prompt (`default_tools_approval_mode="approve"`):
// `codex exec` has no one to ask, so with its default it refused every tool not marked read-only, and
// call_tool (on-demand tools) always. The gateway is the approval boundary: the step's allow-list, and
// before an approval step its read-only tools alone (lib/mcp/gateway.ts)
const MCP_APPROVAL = "approve";
// codex's own extras that an agent step has no use for; and its shell snapshot, which codex 0.171 writes into
// CODEX_HOME at session start (even with the shell tool off) with every exported variable in it, the
// gateway token and OPENAI_API_KEY included, and leaves behind when it is killed
const DISABLED_FEATURES = ["apps", "browser_use", "in_app_browser", "image_generation", "shell_snapshot"];
// the config that switches each `builtin:` group off (codex 0.171; names from `codex features list` and its
// config schema); a group the step lists keeps codex's default, which is on
const BUILTIN_OFF: Record<CodexBuiltin, string[]> = {
  shell: ["features.shell_tool=false"],
  web_search: ['web_search="disabled"'],
  multi_agent: ["features.multi_agent=false"],
  view_image: ["features.view_image=false"],
  request_user_input: ["tools.experimental_request_user_input.enabled=false"],
  goals: ["features.goals=false"],
};

/**
 * The MCP protocol revision codex speaks to the gateway. Off (its default): the initialize handshake.
 * On: revision 2026-07-28 through codex's feature `mcp_2026_07_28` (under development in codex 0.171; its
 * warning about that is switched off, else it lands in the step's events as an error item).
 */
export function codexMcpRevisionArgs(mcp2026: "on" | "off"): string[] {
  return mcp2026 === "on" ? ["--enable", "mcp_2026_07_28", "-c", "suppress_unstable_features_warning=true"] : [];
}

/** `-c` overrides that turn off every codex built-in the step does not list. */
export function codexBuiltinArgs(builtin: readonly string[]): string[] {
  const on = new Set(builtin.map(codexBuiltinGroup));
  return (Object.keys(BUILTIN_OFF) as CodexBuiltin[]).filter((g) => !on.has(g)).flatMap((g) => BUILTIN_OFF[g].flatMap((c) => ["-c", c]));
}

// what codex itself does (its items other than text, reasoning and the gateway's calls) is in the transcript
const NOT_BUILTIN_ITEMS = new Set(["agent_message", "reasoning", "mcp_tool_call", "todo_list", "error"]);

/** A finished codex item as a built-in call for the transcript: its input, its output and whether it failed. */
export function codexBuiltinEvent(item: Record<string, unknown>): AgentEvent | null {
  const type = String(item.type ?? "");
  if (!type || NOT_BUILTIN_ITEMS.has(type)) return null;
  if (type === "command_execution") {
    const exitCode = typeof item.exit_code === "number" ? item.exit_code : null;
    return {
      type: "builtin",
      name: "exec_command",
      input: { command: item.command, exitCode },
      output: typeof item.aggregated_output === "string" ? item.aggregated_output : "",
      isError: item.status === "failed" || (exitCode !== null && exitCode !== 0),
    };
  }
  if (type === "file_change") {
    const changes = Array.isArray(item.changes) ? (item.changes as { path?: unknown; kind?: unknown }[]).map((c) => ({ path: c.path, kind: c.kind })) : [];
    return { type: "builtin", name: "file_change", input: { changes }, isError: item.status === "failed" };
  }
  if (type === "web_search") return { type: "builtin", name: "web_search", input: { query: item.query } };
  const { id: _id, type: _type, ...rest } = item;
  return { type: "builtin", name: type, input: rest, isError: item.status === "failed" };
}

function codexBin(env: AgentEnv): string | null {
  return env.SWITCHBOARD_CODEX_BIN ?? findOnPath("codex", env.PATH);
}

/** A TOML basic string. */
function toml(value: string): string {
  return JSON.stringify(value);
}

function usageOf(u: Record<string, unknown> | undefined): TokenUsage {
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const cached = n(u?.cached_input_tokens);
  // OpenAI counts cached tokens inside input_tokens; Switchboard keeps them apart, as Anthropic does
  return { inputTokens: Math.max(0, n(u?.input_tokens) - cached), outputTokens: n(u?.output_tokens), cacheReadTokens: cached, cacheWriteTokens: 0, reasoningTokens: n(u?.reasoning_output_tokens) };
}

function launcher(bin: string): { command: string; prefix: string[] } {
  // the npm package's entry is a node script; run it with this node rather than whatever is on PATH
  return bin.endsWith(".js") ? { command: process.execPath, prefix: [bin] } : { command: bin, prefix: [] };
}

export class CodexRunner implements AgentRunner {
  readonly name = "codex" as const;

  async status(): Promise<RunnerStatus> {
    return withSandboxStatus(await this.setupStatus());
  }

  private async setupStatus(): Promise<RunnerStatus> {
    const env = agentEnv();
    const bin = codexBin(env);
    if (!bin) return { runner: this.name, usable: false, detail: "codex was not found on PATH", hint: "Install the Codex CLI (codex on PATH) or set SWITCHBOARD_CODEX_BIN" };
    const { command, prefix } = launcher(bin);
    const version = await cliVersion(command, { PATH: env.PATH, HOME: env.HOME }, prefix);
    if (!version) return { runner: this.name, usable: false, detail: `${bin} does not run (codex --version failed)`, hint: "Check SWITCHBOARD_CODEX_BIN or the codex on PATH" };
    if (!env.OPENAI_API_KEY) return { runner: this.name, usable: false, detail: `${version} at ${bin}; OPENAI_API_KEY is not set`, hint: "Set OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint)" };
    return {
      runner: this.name,
      usable: true,
      detail: `${version} at ${bin}; OPENAI_API_KEY set; endpoint ${env.OPENAI_BASE_URL ?? "api.openai.com"}${env.SWITCHBOARD_CODEX_MCP_2026 === "on" ? "; MCP 2026-07-28 to the gateway" : ""}`,
    };
  }

  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const env = agentEnv();
    const bin = codexBin(env);
    if (!bin) throw new RunnerNotConfiguredError("The codex runner is not set up: install the Codex CLI so that codex is on PATH, or set SWITCHBOARD_CODEX_BIN");
    if (!env.OPENAI_API_KEY) throw new RunnerNotConfiguredError("The codex runner is not set up: set OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint)");
    // the box, or the reason there is none (SWITCHBOARD_AGENT_SANDBOX=off runs unboxed)
    const box = await requireSandbox(this.name);
    if (box) checkMounts(req.mounts ?? []);
    // listing first: a listed server that cannot start fails the step before codex starts
    const tools = await req.gateway.listTools();
    // a CODEX_HOME of the step's own (mode 0700), never one shared by steps: codex keeps its logs, state and
    // memories there, and another client's step must find nothing of this one in it (its token above all).
    // Nothing is copied in: the provider, its key (from the environment) and every setting come with -c.
    const homes = path.join(req.dataDir, "codex-home");
    fs.mkdirSync(homes, { recursive: true, mode: 0o700 });
    const codexHome = fs.mkdtempSync(path.join(homes, "step-"));
    try {
      return await this.runIn(req, { env, bin, box, hasTools: tools.length > 0, codexHome });
    } finally {
      // also after a cancel or a timeout: the process group is gone by now (runIn's finally)
      fs.rmSync(codexHome, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  private async runIn(req: AgentRunRequest, step: { env: AgentEnv; bin: string; box: { bwrap: string } | null; hasTools: boolean; codexHome: string }): Promise<AgentRunResult> {
    const { env, bin, box, hasTools, codexHome } = step;
    const token = await req.mintGatewayToken();
    const baseUrl = env.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
    const args = [
      "exec",
      "--json",
      "--skip-git-repo-check",
      "--ephemeral",
      "--ignore-rules",
      "--sandbox",
      "read-only",
      "-C",
      req.cwd,
      "-m",
      req.model ?? env.SWITCHBOARD_CODEX_MODEL,
      "-c",
      `model_provider=${toml(PROVIDER)}`,
      "-c",
      `model_providers.${PROVIDER}={name="Switchboard",base_url=${toml(baseUrl)},wire_api="responses",env_key="OPENAI_API_KEY"}`,
      "-c",
      `mcp_servers.${GATEWAY_SERVER_NAME}={url=${toml(req.gatewayUrl)},bearer_token_env_var=${toml(TOKEN_ENV)},startup_timeout_sec=${MCP_STARTUP_TIMEOUT_SEC},default_tools_approval_mode=${toml(MCP_APPROVAL)}${hasTools ? `,required=true,startup_readiness="catalog"` : ""}}`,
      ...DISABLED_FEATURES.flatMap((f) => ["-c", `features.${f}=false`]),
      ...codexBuiltinArgs(req.builtin),
      ...codexMcpRevisionArgs(env.SWITCHBOARD_CODEX_MCP_2026),
      "--",
      req.prompt,
    ];
    const { command, prefix } = launcher(bin);
    // in the box codex sees, of Switchboard's data folder, only its own CODEX_HOME (read-write), at a path
    // of its own: codex makes its sandbox helper's PATH alias there, and refuses to under a temp folder
    const spawned = box
      ? boxedCommand(box, {
          command,
          args: [...prefix, ...args],
          bin,
          cwd: req.cwd,
          home: env.HOME,
          mounts: req.mounts ?? [],
          login: [{ path: codexHome, at: BOXED_CODEX_HOME }],
          setenv: { CODEX_HOME: BOXED_CODEX_HOME },
        })
      : { command, args: [...prefix, ...args] };
    const child = spawnGroup(spawned.command, spawned.args, {
      cwd: req.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: env.PATH ?? "/usr/bin:/bin", HOME: env.HOME, LANG: serverVariables().LANG, CODEX_HOME: codexHome, OPENAI_API_KEY: env.OPENAI_API_KEY, [TOKEN_ENV]: token },
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-STDERR_KEEP)));
    const exited = new Promise<number | null>((resolve) => {
      child.on("close", (code) => resolve(code));
      child.on("error", (error) => {
        stderr += `\n${error.message}`;
        resolve(-1);
      });
    });
    const onAbort = () => void killChildGroup(child);
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener("abort", onAbort, { once: true });

    let usage = NO_USAGE;
    let answer = "";
    let toolCalls = 0;
    let failure: string | null = null;
    let lastError: string | null = null;
    // the model is named with -m, never learned from codex's own events
    const model = req.model ?? env.SWITCHBOARD_CODEX_MODEL;
    try {
      const lines = readline.createInterface({ input: child.stdout! });
      for await (const line of lines) {
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        const item = event.item as Record<string, unknown> | undefined;
        const builtin = event.type === "item.completed" && item ? codexBuiltinEvent(item) : null;
        if (builtin) req.emit(builtin);
        if (event.type === "item.completed" && item?.type === "agent_message" && typeof item.text === "string") {
          answer = item.text;
          req.emit({ type: "text", text: item.text });
        } else if (event.type === "item.started" && item?.type === "mcp_tool_call") {
          req.emit({ type: "tool", name: liveToolName(`${String(item.server)}/${String(item.tool)}`, item.arguments) });
        } else if (event.type === "item.completed" && (item?.type === "mcp_tool_call" || builtin)) {
          // a built-in call is a turn like a gateway call: a looping shell stops at max_turns too
          toolCalls += 1;
          if (toolCalls >= req.maxTurns) {
            failure = maxTurnsError(req.maxTurns).message;
            await killChildGroup(child);
            break;
          }
        } else if (event.type === "turn.completed") {
          const turnUsage = usageOf(event.usage as Record<string, unknown> | undefined);
          usage = turnUsage;
          req.emit({ type: "usage", usage: turnUsage, model });
        } else if (event.type === "turn.failed") {
          failure = String((event.error as { message?: unknown } | undefined)?.message ?? "the turn failed");
        } else if (event.type === "error" && typeof event.message === "string") {
          lastError = event.message;
        }
      }
      const code = await exited;
      if (req.signal.aborted) throw req.signal.reason;
      if (failure) throw failure === maxTurnsError(req.maxTurns).message ? maxTurnsError(req.maxTurns) : new AgentRunError(`Codex failed: ${failure.slice(0, 1_000)}`);
      if (code !== 0 || !answer) {
        const why = lastError ?? stderr.trim().split("\n").at(-1) ?? `exit code ${code}`;
        throw new AgentRunError(`Codex ended without an answer (exit code ${code}): ${why.slice(0, 1_000)}`);
      }
      return { text: answer, usage, turns: toolCalls + 1, model };
    } finally {
      req.signal.removeEventListener("abort", onAbort);
      await killChildGroup(child);
    }
  }
}
