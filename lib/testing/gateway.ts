// For the gateway tests: a running agent step in a real run (its pipeline stored as the engine stores
// it), a token minted for it by the engine, and a real MCP client over the HTTP gateway.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { prisma } from "@/lib/db/client";
import { mintGatewayToken } from "@/lib/engine/gateway-tokens";

/** Where the step stands: an approval step before it, after it, or none in the pipeline. */
export type ApprovalPlace = "before-approval" | "after-approval" | "no-approval";

/** A running run whose agent step "draft" lists `allow` (and `agentExtra`'s fields); the approval step "review" sits where `place` says. */
export async function runningAgentStep(allow: string[], place: ApprovalPlace, agentExtra: Record<string, unknown> = {}) {
  const agent = { id: "draft", agent: { runner: "anthropic", prompt: "Research", tools: allow, ...agentExtra } };
  const approval = { id: "review", approval: { title: "Post", body: "Body" } };
  const steps = place === "before-approval" ? [agent, approval] : place === "after-approval" ? [approval, agent] : [agent];
  const run = await prisma.run.create({
    data: {
      pipelineSlug: "gw-boundary",
      pipelineName: "Gateway boundary",
      status: "running",
      pipelineJson: JSON.stringify({ slug: "gw-boundary", name: "Gateway boundary", description: "", inputs: {}, steps }),
      steps: { create: steps.map((s, position) => ({ stepId: s.id, position, kind: "agent" in s ? "agent" : "approval", status: s.id === "draft" ? "running" : "succeeded" })) },
    },
    select: { id: true, steps: { where: { stepId: "draft" }, select: { id: true } } },
  });
  const runStepId = run.steps[0].id;
  return {
    runId: run.id,
    runStepId,
    gatewayStep: { runId: run.id, runStepId, clientSlug: null, allow, afterApproval: place === "after-approval", beforeApproval: place === "before-approval" },
    token: await mintGatewayToken(runStepId),
  };
}

/** A real MCP client connected to the HTTP gateway at `url` with the step's bearer token. */
export async function gatewayClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "gateway-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
