// The `claude-code` runner: Claude Code driven through the Claude Agent SDK's query(). Its only MCP
// server is the gateway, in-process (the SDK's "sdk" server type), so every tool call runs through
// GatewaySession in this process. Built-in tools are off unless the step names them in `builtin:`.
// The client's folder is the working directory and its CLAUDE.md is given as part of the system
// prompt; settings files from that folder are not loaded, because an agent may have written them.
import fs from "node:fs";
import path from "node:path";
import { query, type SDKMessage, type SpawnedProcess } from "@anthropic-ai/claude-agent-sdk";
import { agentEnv, serverVariables, type AgentEnv } from "@/lib/env";
import { GATEWAY_SERVER_NAME, gatewayMcpServer } from "@/lib/mcp/gateway-server";
import { cliVersion, findOnPath } from "@/lib/agents/cli-binary";
import { killChildGroup, spawnGroup } from "@/lib/process-group";
import { boxedCommand, checkMounts, requireSandbox, withSandboxStatus } from "@/lib/agents/sandbox";
import {
  addUsage, AgentRunError, maxTurnsError, NO_USAGE, RunnerNotConfiguredError,
  type AgentRunner, type AgentRunRequest, type AgentRunResult, type RunnerStatus, type TokenUsage,
} from "@/lib/agents/runner";

const CLAUDE_MD_MAX_BYTES = 64 * 1024;
const STDERR_KEEP = 4_000;

function claudeBin(env: AgentEnv): string | null {
  return env.SWITCHBOARD_CLAUDE_BIN ?? findOnPath("claude", env.PATH);
}

/** The operator's own Claude login (a subscription) in their HOME. */
function hasClaudeLogin(env: AgentEnv): boolean {
  if (!env.HOME) return false;
  return fs.existsSync(path.join(env.HOME, ".claude", ".credentials.json"));
}

/** Only what Claude Code needs: never Switchboard's own secrets or other services' keys. */
function childEnv(env: AgentEnv, useLogin: boolean): Record<string, string> {
  const out: Record<string, string> = {
    PATH: env.PATH ?? "/usr/bin:/bin",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_AGENT_SDK_CLIENT_APP: "switchboard/0.1",
  };
  if (env.HOME) out.HOME = env.HOME;
  for (const k of ["LANG", "LC_ALL", "TMPDIR", "TZ", "XDG_CONFIG_HOME", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) {
    const v = serverVariables()[k];
    if (v) out[k] = v;
  }
  if (!useLogin && env.ANTHROPIC_API_KEY) out.ANTHROPIC_API_KEY = env.ANTHROPIC_API_KEY;
  if (env.ANTHROPIC_BASE_URL) out.ANTHROPIC_BASE_URL = env.ANTHROPIC_BASE_URL;
  return out;
}

function readClaudeMd(cwd: string): string | null {
  const file = path.join(cwd, "CLAUDE.md");
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) return null;
    const text = fs.readFileSync(file, "utf8");
    return text.length > CLAUDE_MD_MAX_BYTES ? text.slice(0, CLAUDE_MD_MAX_BYTES) : text;
  } catch {
    return null;
  }
}

function usageOf(u: Record<string, unknown> | undefined): TokenUsage {
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return {
    inputTokens: n(u?.input_tokens),
    outputTokens: n(u?.output_tokens),
    cacheReadTokens: n(u?.cache_read_input_tokens),
    cacheWriteTokens: n(u?.cache_creation_input_tokens),
    reasoningTokens: 0,
  };
}

const USAGE_KINDS = ["inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens"] as const;

/** What `now` adds over `before`, per kind (never negative). */
function usageOver(now: TokenUsage, before: TokenUsage): TokenUsage | null {
  const delta = { ...NO_USAGE };
  for (const k of USAGE_KINDS) delta[k] = Math.max(0, now[k] - before[k]);
  return USAGE_KINDS.some((k) => delta[k] > 0) ? delta : null;
}

export class ClaudeCodeRunner implements AgentRunner {
  readonly name = "claude-code" as const;

  async status(): Promise<RunnerStatus> {
    return withSandboxStatus(await this.setupStatus());
  }

  private async setupStatus(): Promise<RunnerStatus> {
    const env = agentEnv();
    const bin = claudeBin(env);
    if (!bin) return { runner: this.name, usable: false, detail: "claude was not found on PATH", hint: "Install Claude Code (claude on PATH) or set SWITCHBOARD_CLAUDE_BIN" };
    const version = await cliVersion(bin, childEnv(env, true));
    if (!version) return { runner: this.name, usable: false, detail: `${bin} does not run (claude --version failed)`, hint: "Check SWITCHBOARD_CLAUDE_BIN or the claude on PATH" };
    const login = hasClaudeLogin(env);
    if (!login && !env.ANTHROPIC_API_KEY) return { runner: this.name, usable: false, detail: `${version} at ${bin}; no login and no key`, hint: "Log in with claude as the user that runs Switchboard, or set ANTHROPIC_API_KEY" };
    return { runner: this.name, usable: true, detail: `${version} at ${bin}; ${login ? "the operator's Claude login" : "ANTHROPIC_API_KEY"}` };
  }

  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const env = agentEnv();
    const bin = claudeBin(env);
    if (!bin) throw new RunnerNotConfiguredError("The claude-code runner is not set up: install Claude Code so that claude is on PATH, or set SWITCHBOARD_CLAUDE_BIN");
    const useLogin = hasClaudeLogin(env);
    if (!useLogin && !env.ANTHROPIC_API_KEY) {
      throw new RunnerNotConfiguredError("The claude-code runner is not set up: log in with claude as the user that runs Switchboard, or set ANTHROPIC_API_KEY");
    }
    // the box, or the reason there is none (SWITCHBOARD_AGENT_SANDBOX=off runs unboxed)
    const box = await requireSandbox(this.name);
    if (box) checkMounts(req.mounts ?? []);
    const tools = await req.gateway.listTools();
    const children = new Set<ReturnType<typeof spawnGroup>>();
    let stderr = "";
    const abortController = new AbortController();
    const onAbort = () => {
      abortController.abort(req.signal.reason);
      for (const child of children) void killChildGroup(child);
    };
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener("abort", onAbort, { once: true });
    const claudeMd = readClaudeMd(req.cwd);
    let model: string | null = req.model ?? null;
    let text = "";
    const perCall = new Map<string, TokenUsage>();
    let emitted: TokenUsage = NO_USAGE;
    try {
      const messages = query({
        prompt: req.prompt,
        options: {
          cwd: req.cwd,
          model: req.model,
          maxTurns: req.maxTurns,
          tools: req.builtin,
          allowedTools: [...req.builtin, ...tools.map((t) => `mcp__${GATEWAY_SERVER_NAME}__${t.name}`)],
          permissionMode: "dontAsk",
          mcpServers: { [GATEWAY_SERVER_NAME]: { type: "sdk", name: GATEWAY_SERVER_NAME, instance: gatewayMcpServer(req.gateway) } },
          strictMcpConfig: true,
          settingSources: [],
          systemPrompt: { type: "preset", preset: "claude_code", ...(claudeMd ? { append: `\n# The client's CLAUDE.md\n${claudeMd}` } : {}) },
          pathToClaudeCodeExecutable: bin,
          env: childEnv(env, useLogin),
          abortController,
          stderr: (data: string) => {
            stderr = (stderr + data).slice(-STDERR_KEEP);
          },
          spawnClaudeCodeProcess: (options): SpawnedProcess => {
            // the operator's login file is bound read-write into the box's private HOME: a token refresh
            // writes it in place there (a rename onto a bound file fails with EBUSY, and Claude Code then
            // writes in place), so the refreshed login is the operator's own
            const login = useLogin && env.HOME ? [path.join(env.HOME, ".claude", ".credentials.json")] : [];
            const spawned = box
              ? boxedCommand(box, { command: options.command, args: options.args, bin, cwd: options.cwd ?? req.cwd, home: env.HOME, login, mounts: req.mounts ?? [] })
              : options;
            const child = spawnGroup(spawned.command, spawned.args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
            children.add(child);
            child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-STDERR_KEEP)));
            child.on("exit", () => children.delete(child));
            return child as unknown as SpawnedProcess;
          },
        },
      });
      for await (const message of messages as AsyncIterable<SDKMessage>) {
        if (message.type === "system" && message.subtype === "init") {
          model = message.model || model;
        } else if (message.type === "assistant") {
          // each model call's usage as it happens (budgets and interrupted steps need it); one call may come
          // as several messages with the same id, so only what a message adds over the last one is counted
          const id = message.message.id || `call-${perCall.size}`;
          const callUsage = usageOf(message.message.usage as unknown as Record<string, unknown>);
          const delta = usageOver(callUsage, perCall.get(id) ?? NO_USAGE);
          if (delta) {
            perCall.set(id, callUsage);
            emitted = addUsage(emitted, delta);
            req.emit({ type: "usage", usage: delta, model, subscription: useLogin });
          }
          for (const block of message.message.content) {
            if (block.type === "text" && block.text) req.emit({ type: "text", text: block.text });
            else if (block.type === "tool_use") req.emit({ type: "tool", name: block.name });
          }
        } else if (message.type === "result") {
          // the result has the whole run's usage: what the calls did not already report
          const total = usageOf(message.usage as unknown as Record<string, unknown>);
          const rest = usageOver(total, emitted);
          if (rest) req.emit({ type: "usage", usage: rest, model, subscription: useLogin });
          const usage = rest ? addUsage(emitted, rest) : emitted;
          if (message.subtype === "success") {
            text = message.result;
            if (message.is_error) throw new AgentRunError(`Claude Code failed: ${text.slice(0, 1_000) || "no message"}`);
            return { text, usage, turns: message.num_turns, model };
          }
          if (message.subtype === "error_max_turns") throw maxTurnsError(req.maxTurns);
          const errors = "errors" in message && Array.isArray(message.errors) ? message.errors.join("; ") : "";
          throw new AgentRunError(`Claude Code stopped (${message.subtype})${errors ? `: ${errors.slice(0, 1_000)}` : ""}`);
        }
      }
      if (req.signal.aborted) throw req.signal.reason;
      throw new AgentRunError(`Claude Code ended without a result${stderr.trim() ? `: ${stderr.trim().split("\n").at(-1)?.slice(0, 500)}` : ""}`);
    } catch (error) {
      if (req.signal.aborted) throw req.signal.reason;
      if (error instanceof AgentRunError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AgentRunError(`Claude Code failed: ${message.slice(0, 1_000)}`);
    } finally {
      req.signal.removeEventListener("abort", onAbort);
      await Promise.all([...children].map((child) => killChildGroup(child)));
    }
  }
}
