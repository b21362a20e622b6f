// The `claude-code` runner: Claude Code driven through the Claude Agent SDK's query(). Its only MCP
// server is the gateway, in-process (the SDK's "sdk" server type), so every tool call runs through
// GatewaySession in this process. Built-in tools are off unless the step names them in `builtin:`, and
// those it names are held to the client's folder by permission rules (claude-permissions.ts); each of
// their calls, with its input and result, goes into the transcript.
// The client's folder is the working directory and its CLAUDE.md is given as part of the system
// prompt; settings files from that folder are not loaded, because an agent may have written them.
import "server-only";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { query, type SDKMessage, type SpawnedProcess } from "@anthropic-ai/claude-agent-sdk";
import { agentEnv, serverVariables, type AgentEnv } from "@/lib/env";
import { GATEWAY_SERVER_NAME, gatewayMcpServer } from "@/lib/mcp/gateway-server";
import { liveToolName } from "@/lib/mcp/tool-search";
import { cliVersion, findOnPath } from "@/lib/agents/cli-binary";
import { killChildGroup, spawnGroup } from "@/lib/process-group";
import { boxedCommand, checkMounts, requireSandbox, withSandboxStatus } from "@/lib/agents/sandbox";
import { claudePermissions } from "@/lib/agents/claude-permissions";
import { readWorkspaceFile } from "@/lib/workspace/paths";
import { addUsage, AgentRunError, maxTurnsError, NO_USAGE, RunnerNotConfiguredError, type AgentRunner, type AgentRunRequest, type AgentRunResult, type RunnerStatus, type TokenUsage } from "@/lib/agents/runner";

const CLAUDE_MD_MAX_BYTES = 64 * 1024;
const STDERR_KEEP = 4_000;

/**
 * The Claude Code binary the Agent SDK ships in its platform package (as the SDK itself finds it: the
 * linux packages come in glibc and musl builds), resolved from Switchboard's own install.
 */
export function bundledClaudeBin(): string | null {
  const resolve = createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), "package.json")).resolve;
  const base = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  const candidates = process.platform === "linux" ? [base, `${base}-musl`] : [base];
  for (const pkg of candidates) {
    try {
      const file = resolve(`${pkg}/claude${process.platform === "win32" ? ".exe" : ""}`);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not installed for this platform
    }
  }
  return null;
}

/** SWITCHBOARD_CLAUDE_BIN, else claude on PATH, else the Agent SDK's own binary; with where it came from. */
function claudeBin(env: AgentEnv): { bin: string; source: string } | null {
  if (env.SWITCHBOARD_CLAUDE_BIN) return { bin: env.SWITCHBOARD_CLAUDE_BIN, source: "SWITCHBOARD_CLAUDE_BIN" };
  const onPath = findOnPath("claude", env.PATH);
  if (onPath) return { bin: onPath, source: "PATH" };
  const bundled = bundledClaudeBin();
  return bundled ? { bin: bundled, source: "the Agent SDK's bundled binary" } : null;
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

/**
 * The folder's CLAUDE.md through the workspace's reader, rooted at the folder itself: a symlink (one that
 * leads out of the folder, or one swapped in at the last moment), a FIFO or a device is not read, and a
 * long file is cut at the limit.
 */
export function readClaudeMd(cwd: string): string | null {
  try {
    return readWorkspaceFile("CLAUDE.md", CLAUDE_MD_MAX_BYTES, { root: cwd, truncate: true });
  } catch {
    return null;
  }
}

/** A tool_result's content as text: a string, or its text blocks joined (an image is named, not kept). */
function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((c: { type?: string; text?: unknown }) => (c?.type === "text" && typeof c.text === "string" ? c.text : c?.type ? `[${c.type}]` : "")).join("\n");
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
    const found = claudeBin(env);
    if (!found)
      return {
        runner: this.name,
        usable: false,
        detail: "claude was not found on PATH, and the Agent SDK's own binary is not installed",
        hint: "Install Claude Code (claude on PATH), reinstall the npm packages, or set SWITCHBOARD_CLAUDE_BIN",
      };
    const { bin, source } = found;
    const version = await cliVersion(bin, childEnv(env, true));
    if (!version) return { runner: this.name, usable: false, detail: `${bin} (from ${source}) does not run (claude --version failed)`, hint: "Check SWITCHBOARD_CLAUDE_BIN or the claude on PATH" };
    const login = hasClaudeLogin(env);
    if (!login && !env.ANTHROPIC_API_KEY)
      return { runner: this.name, usable: false, detail: `${version} at ${bin} (from ${source}); no login and no key`, hint: "Log in with claude as the user that runs Switchboard, or set ANTHROPIC_API_KEY" };
    return { runner: this.name, usable: true, detail: `${version} at ${bin} (from ${source}); ${login ? "the operator's Claude login" : "ANTHROPIC_API_KEY"}` };
  }

  async run(req: AgentRunRequest): Promise<AgentRunResult> {
    const env = agentEnv();
    const bin = claudeBin(env)?.bin;
    if (!bin)
      throw new RunnerNotConfiguredError(
        "The claude-code runner is not set up: install Claude Code so that claude is on PATH (or reinstall the npm packages, which bring the Agent SDK's own), or set SWITCHBOARD_CLAUDE_BIN",
      );
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
    const builtinCalls = new Map<string, { name: string; input: unknown }>();
    let emitted: TokenUsage = NO_USAGE;
    try {
      const messages = query({
        prompt: req.prompt,
        options: {
          cwd: req.cwd,
          model: req.model,
          maxTurns: req.maxTurns,
          ...claudePermissions(
            req.builtin,
            tools.map((t) => `mcp__${GATEWAY_SERVER_NAME}__${t.name}`),
          ),
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
            const spawned = box ? boxedCommand(box, { command: options.command, args: options.args, bin, cwd: options.cwd ?? req.cwd, home: env.HOME, login, mounts: req.mounts ?? [] }) : options;
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
            else if (block.type === "tool_use" && block.name.startsWith("mcp__")) req.emit({ type: "tool", name: liveToolName(block.name, block.input) });
            // a built-in call waits for its result (in the next user message) to be recorded whole
            else if (block.type === "tool_use") builtinCalls.set(block.id, { name: block.name, input: block.input });
          }
        } else if (message.type === "user" && Array.isArray(message.message.content)) {
          for (const block of message.message.content) {
            if (typeof block !== "object" || block.type !== "tool_result") continue;
            const call = builtinCalls.get(block.tool_use_id);
            if (!call) continue;
            builtinCalls.delete(block.tool_use_id);
            req.emit({ type: "builtin", name: call.name, input: call.input, output: toolResultText(block.content), isError: block.is_error === true });
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
      // a built-in call the run ended in the middle of is recorded without its result
      for (const call of builtinCalls.values()) req.emit({ type: "builtin", name: call.name, input: call.input });
      req.signal.removeEventListener("abort", onAbort);
      await Promise.all([...children].map((child) => killChildGroup(child)));
    }
  }
}
