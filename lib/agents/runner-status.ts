// What /settings shows about the runners: which are usable (CLI found and its version, key set,
// endpoint answering), and a test that makes one tiny call. Nothing here returns a key: only whether
// one is set, and an endpoint's host.
import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, type Actor } from "@/lib/audit";
import { AGENT_RUNNERS } from "@/lib/pipelines/pipeline.schema";
import type { AgentRunnerName } from "@/lib/agents/agents.schema";
import { AgentRunError, type RunnerStatus } from "@/lib/agents/runner";
import { agentRunner } from "@/lib/agents/runners";
import { agentEnv, dataDir, env, workspaceDir } from "@/lib/env";
import { GatewaySession } from "@/lib/mcp/gateway";

const PROBE_TIMEOUT_MS = 2_500;
const TEST_TIMEOUT_MS = 90_000;

export type RunnerOverview = RunnerStatus & { endpoint: string | null; endpointAnswers: boolean | null };

/** An endpoint as it may be shown: scheme, host and path, never credentials or a query. */
export function displayEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** Does anything answer HTTP at this base URL? Any status counts: it is reachable. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, "")}/models`, { method: "GET", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: "manual" });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function endpointOf(runner: AgentRunnerName): string | null {
  const e = agentEnv();
  if (runner === "anthropic" || runner === "claude-code") return `${(e.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com").replace(/\/$/, "")}/v1`;
  return e.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
}

export async function listRunnerStatuses(): Promise<RunnerOverview[]> {
  return Promise.all(
    AGENT_RUNNERS.map(async (name): Promise<RunnerOverview> => {
      const runner = await agentRunner(name);
      const [status, endpoint] = [await runner.status(), endpointOf(name)];
      const endpointAnswers = endpoint && status.usable ? await answers(endpoint) : null;
      return { ...status, endpoint: endpoint ? displayEndpoint(endpoint) : null, endpointAnswers };
    }),
  );
}

/** One tiny call through the runner, with no tools; the answer or a clear error, and how long it took. */
export async function testRunner(name: AgentRunnerName): Promise<{ ok: boolean; message: string; ms: number }> {
  const started = performance.now();
  const runner = await agentRunner(name);
  const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  try {
    const result = await runner.run({
      prompt: "This is a connection test. Reply with the single word OK.",
      maxTurns: 1,
      builtin: [],
      cwd: workspaceDir(),
      gateway: new GatewaySession({ runId: "", runStepId: "", clientSlug: null, allow: [], afterApproval: false, beforeApproval: false }),
      signal,
      emit: () => undefined,
      dataDir: dataDir(),
      gatewayUrl: agentEnv().SWITCHBOARD_GATEWAY_URL ?? `http://127.0.0.1:${env().PORT}/api/mcp/gateway`,
      // no step runs: a token that matches none, so the gateway offers nothing
      mintGatewayToken: async () => `sbg_${randomBytes(24).toString("base64url")}`,
    });
    const ms = performance.now() - started;
    const tokens = result.usage.inputTokens + result.usage.outputTokens + result.usage.cacheReadTokens;
    return { ok: true, ms, message: `Answered "${result.text.trim().slice(0, 80)}" (${result.model ?? "default model"}, ${tokens} tokens)` };
  } catch (error) {
    const ms = performance.now() - started;
    if (signal.aborted) return { ok: false, ms, message: `No answer within ${TEST_TIMEOUT_MS / 1000} s` };
    if (error instanceof AgentRunError) return { ok: false, ms, message: error.message };
    console.error(`[agents] the ${name} test call failed`, error);
    return { ok: false, ms, message: "The test failed unexpectedly; the details are in the server log" };
  }
}

/** An admin's test of one runner from /settings, audited. */
export async function testRunnerAs(runner: AgentRunnerName, actor: Actor) {
  const result = await testRunner(runner);
  await recordAudit({ actor, action: "runner.test", targetType: "runner", targetId: runner, data: { ok: result.ok } });
  return result;
}
