// The one place environment variables are read and validated (INTERFACES.md, Start-up).
// Exceptions, on purpose: instrumentation.ts checks NEXT_RUNTIME before it may import any Node module;
// scripts/*.mjs run before node_modules exist; test harnesses set variables for the processes they start.
import "server-only";
import path from "node:path";
import { z } from "zod";

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .default("file:./data/switchboard.db")
    .refine((v) => v.startsWith("file:"), "DATABASE_URL must be a SQLite file URL (file:...)"),
  SWITCHBOARD_WORKSPACE: z.string().min(1).default("./workspace"),
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  SWITCHBOARD_URL: z.url().optional(),
  // mail notifications: smtp://user:pass@host:587 (smtps:// for TLS from the start); the sender address
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  SMTP_FROM: z.string().min(3).optional(),
  SWITCHBOARD_SHUTDOWN_GRACE_S: z.coerce.number().min(0).max(3600).default(10),
  /** "1": serve pages only; runs wait for a worker started on its own (`npm run worker`) */
  SWITCHBOARD_DISABLE_WORKER: z.string().optional(),
  NODE_ENV: z.string().optional(),
  // `1` (trust the proxy that connects) or a comma-separated list of proxy addresses; unset: no proxy
  SWITCHBOARD_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined),
  // queued runs allowed at once per pipeline and client; a new run over it is refused with 429
  // set by scripts/start.mjs: the server stops when that process is gone (killed without passing a signal on)
  SWITCHBOARD_SUPERVISOR_PID: z.coerce.number().int().positive().optional(),
  SWITCHBOARD_MAX_QUEUED_PER_PIPELINE: z.coerce.number().int().min(1).max(100_000).default(50),
});

type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = EnvSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid environment: ${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** Absolute path of the SQLite file named by DATABASE_URL (relative paths are from the working directory). */
export function databasePath(): string {
  const raw = env().DATABASE_URL.slice("file:".length).split("?")[0];
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), raw);
}

/** The folder that holds the database; generated secrets live beside it. */
export function dataDir(): string {
  return path.dirname(databasePath());
}

export function workspaceDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), env().SWITCHBOARD_WORKSPACE);
}

/** The public address of this Switchboard (SWITCHBOARD_URL, else localhost on PORT). */
export function publicUrl(): URL {
  return new URL(env().SWITCHBOARD_URL ?? `http://localhost:${env().PORT}`);
}

/** Whether the server starts its in-process worker (SWITCHBOARD_DISABLE_WORKER=1 turns it off). */
export function inProcessWorkerEnabled(): boolean {
  return env().SWITCHBOARD_DISABLE_WORKER !== "1";
}

/** `next dev`: the CSP allows eval for React's dev tooling. */
export function isDevelopment(): boolean {
  return env().NODE_ENV === "development";
}

/**
 * The server's own environment, which the admin-owned mcp.json names in `${VAR}` (and a client's
 * .mcp.json only in the names an admin allowed). Read, never written, and never sent to a browser.
 */
export function serverVariables(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

const AgentEnvSchema = z.object({
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  SWITCHBOARD_CLAUDE_BIN: z.string().min(1).optional(),
  SWITCHBOARD_CODEX_BIN: z.string().min(1).optional(),
  // `off`: run the agent CLIs without the bubblewrap sandbox (lib/agents/sandbox.ts); an explicit opt-out,
  // shown on Settings as a warning. Default (unset or `on`): boxed, and unusable without bubblewrap
  SWITCHBOARD_AGENT_SANDBOX: z.enum(["on", "off"], { error: "expected on or off" }).optional(),
  // the model an agent step uses when it names none (claude-code otherwise uses the CLI's own default)
  SWITCHBOARD_ANTHROPIC_MODEL: z.string().min(1).default("claude-sonnet-4-5"),
  SWITCHBOARD_OPENAI_MODEL: z.string().min(1).default("gpt-4.1-mini"),
  // passed to codex as -m, so a step's model (and its price, under a budget) is known before it starts;
  // codex 0.171's own default (gpt-6.2-sol, measured) has no price row yet
  SWITCHBOARD_CODEX_MODEL: z.string().min(1).default("gpt-5.5"),
  // `on`: codex reaches the gateway on MCP revision 2026-07-28 (server/discover, the _meta envelope; codex
  // 0.171's feature `mcp_2026_07_28`, under development). Default off: codex's initialize handshake (it
  // asks for 2025-06-18)
  SWITCHBOARD_CODEX_MCP_2026: z.enum(["on", "off"], { error: "expected on or off" }).default("off"),
  // where codex reaches the gateway; default http://127.0.0.1:$PORT/api/mcp/gateway
  SWITCHBOARD_GATEWAY_URL: z.url().optional(),
  HOME: z.string().optional(),
  PATH: z.string().optional(),
});

export type AgentEnv = z.infer<typeof AgentEnvSchema>;

/**
 * What the agent runners read: API keys, endpoints and CLI paths. Read afresh on each use (not cached),
 * so a key set after start-up is seen by the next step. An empty variable counts as unset. Keys are
 * handed to the model clients and CLIs only: never to a log, the database or the browser.
 */
export function agentEnv(): AgentEnv {
  const present = Object.fromEntries(Object.keys(AgentEnvSchema.shape).map((k) => [k, process.env[k] || undefined]));
  const parsed = AgentEnvSchema.safeParse(present);
  if (!parsed.success) {
    // the message names the variable, never its value
    throw new Error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** For tests: forget the parsed environment so a changed process.env is read again. */
export function resetEnvForTests(): void {
  cached = undefined;
}
