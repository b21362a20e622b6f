// Shared by the runner tests: a workspace with server-everything, an agent pipeline whose answer flows
// into a tool step, a worker with the real MCP step runner, and a model stand-in.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import type { AgentRunnerName } from "@/lib/agents/agents.schema";
import { getMcpPool } from "@/lib/mcp/pool";
import { isolatedHome, startGatewayServer } from "@/lib/testing/agent-clis";
import { ModelStandin } from "@/lib/testing/model-standin";

export function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

export async function setUpAgentWorkspace(): Promise<Worker> {
  await ensureClient("acme");
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, broken: { command: "/nonexistent/mcp-server" } });
  return new Worker({ pollMs: 20, leaseMs: 10_000 }).start();
}

/** An agent step `draft` whose answer is echoed by the tool step `after`; returns the pipeline slug. */
export function writeAgentPipeline(runner: AgentRunnerName, options: { tools?: string[]; maxTurns?: number; timeout?: string; extra?: string } = {}): string {
  const slug = `agent-${runner}-${suffix()}`;
  const tools = JSON.stringify(options.tools ?? ["everything/echo"]);
  writePipeline(
    slug,
    `name: Agent ${runner}
inputs:
  topic: { type: string, default: "otters" }
steps:
  - id: draft
    agent:
      runner: ${runner}
      prompt: "Research {{ inputs.topic }} for {{ client.name }} with the echo tool"
      tools: ${tools}
      model: standin-model
${options.maxTurns ? `      max_turns: ${options.maxTurns}\n` : ""}${options.timeout ? `      timeout: ${options.timeout}\n` : ""}${options.extra ?? ""}  - id: after
    tool: everything/echo
    args: { message: "next step got: {{ steps.draft.text }}" }
`,
  );
  return slug;
}

export async function runAgentPipeline(slug: string, statuses: string[] = ["succeeded", "failed"], timeoutMs = 60_000) {
  const id = await queueRun({ pipelineSlug: slug, clientSlug: "acme", createdBy: ACTOR });
  const run = await waitForRunStatus(id, statuses, timeoutMs);
  const steps = await prisma.runStep.findMany({ where: { runId: id }, orderBy: { position: "asc" }, include: { toolCalls: { orderBy: { startedAt: "asc" } } } });
  return { id, run, steps, draft: steps.find((s) => s.stepId === "draft"), after: steps.find((s) => s.stepId === "after") };
}

export type AgentSuite = {
  standin: ModelStandin;
  worker: Worker;
  /** the HTTP gateway on a local port (codex), when asked for */
  gateway: Awaited<ReturnType<typeof startGatewayServer>> | null;
};

/**
 * The setup and teardown every runner test file shares: a model stand-in (back in "echo" mode before
 * each test), the runner's environment pointed at it, the agent workspace and its worker, and for the CLI
 * runners an isolated HOME and (codex) the HTTP gateway. The fields are filled in before the first test.
 */
export function useAgentSuite(options: { env: (urls: { standin: string; gateway: string | null }) => Record<string, string>; cli?: boolean; httpGateway?: boolean }): AgentSuite {
  const suite = { gateway: null } as AgentSuite;
  beforeAll(async () => {
    suite.standin = await ModelStandin.start();
    suite.gateway = options.httpGateway ? await startGatewayServer() : null;
    if (options.cli) isolatedHome();
    Object.assign(process.env, options.env({ standin: suite.standin.url, gateway: suite.gateway?.url ?? null }));
    suite.worker = await setUpAgentWorkspace();
  });
  beforeEach(() => {
    suite.standin.mode = "echo";
  });
  afterAll(async () => {
    await suite.worker?.stop({ graceMs: 2_000 });
    await getMcpPool().shutdown();
    await suite.gateway?.close();
    await suite.standin?.close();
  });
  return suite;
}
