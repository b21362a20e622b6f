// The gateway over Streamable HTTP (POST /api/mcp/gateway), for runners that are separate programs
// (codex). A request carries the bearer token minted for one agent step; it is honoured only while
// that step runs, and only for that step's tools. Stateless: each request gets a fresh MCP server
// over the step's cached gateway session, so nothing lives between requests but that cache.
import { createHash } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { prisma } from "@/lib/db";
import { GatewaySession, type GatewayStep } from "@/lib/mcp/gateway";
import { gatewayMcpServer } from "@/lib/mcp/gateway-server";
import { ZPipelineSnapshot } from "@/lib/pipelines/pipeline.schema";
import { parseStoredJson } from "@/lib/engine/step-output";

const TOKEN_PATTERN = /^Bearer\s+(sbg_[A-Za-z0-9_-]{20,100})$/i;
const CACHE_MAX = 200;

type Cached = { step: GatewayStep; session: GatewaySession };
const globalForGateway = globalThis as unknown as { switchboardGatewaySessions?: Map<string, Cached> };
const sessions = (globalForGateway.switchboardGatewaySessions ??= new Map());

export function gatewayTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The running agent step a token was minted for, or null (unknown token, or its step is not running). */
export async function stepForGatewayToken(token: string): Promise<GatewayStep | null> {
  const hash = gatewayTokenHash(token);
  const row = await prisma.runStep.findUnique({
    where: { gatewayTokenHash: hash },
    select: { id: true, runId: true, stepId: true, status: true, run: { select: { status: true, pipelineJson: true, client: { select: { slug: true } } } } },
  });
  if (!row || row.status !== "running" || row.run.status !== "running") {
    sessions.delete(hash);
    return null;
  }
  const cached = sessions.get(hash);
  if (cached) return cached.step;
  const pipeline = ZPipelineSnapshot.safeParse(parseStoredJson(row.run.pipelineJson));
  const agent = pipeline.success ? pipeline.data.steps.find((s) => s.id === row.stepId)?.agent : undefined;
  if (!agent) return null;
  return { runId: row.runId, runStepId: row.id, clientSlug: row.run.client?.slug ?? null, allow: agent.tools };
}

function sessionFor(token: string, step: GatewayStep): GatewaySession {
  const hash = gatewayTokenHash(token);
  let cached = sessions.get(hash);
  if (!cached) {
    if (sessions.size >= CACHE_MAX) sessions.delete(sessions.keys().next().value as string);
    cached = { step, session: new GatewaySession(step) };
    sessions.set(hash, cached);
  }
  return cached.session;
}

function jsonError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: { "content-type": "application/json", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}) } });
}

export async function handleGatewayRequest(req: Request): Promise<Response> {
  const match = TOKEN_PATTERN.exec(req.headers.get("authorization") ?? "");
  if (!match) return jsonError(401, "A gateway token is required");
  const step = await stepForGatewayToken(match[1]);
  if (!step) return jsonError(401, "This gateway token is not valid: its step is not running");
  if (req.method !== "POST") return jsonError(405, "The gateway is stateless: POST only");
  const server = gatewayMcpServer(sessionFor(match[1], step));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    await server.close().catch(() => undefined);
  }
}
