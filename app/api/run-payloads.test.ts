// The run detail (API and page data) leaves large step outputs and tool-call results out and names their
// size; the new endpoints return them whole, to a signed-in caller only.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getRun } from "@/app/api/runs/[id]/route";
import { GET as getOutput } from "@/app/api/runs/[id]/steps/[runStepId]/output/route";
import { GET as getResult } from "@/app/api/runs/[id]/tool-calls/[callId]/result/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { INLINE_PAYLOAD_MAX } from "@/lib/engine/run-payloads";

const suffix = Math.random().toString(36).slice(2, 8);
let token = "";
let runId = "";
let bigStepId = "";
let smallStepId = "";
let callId = "";
const big = "x".repeat(2 * 1024 * 1024);

beforeAll(async () => {
  const user = await createUser({ email: `payloads-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
  token = (await createApiToken(user.id, { name: "read", scope: "read" }, { label: "test" })).token;
  const run = await prisma.run.create({
    data: { pipelineSlug: `p-${suffix}`, pipelineName: "P", pipelineJson: "{}", status: "succeeded" },
    select: { id: true },
  });
  runId = run.id;
  const s1 = await prisma.runStep.create({ data: { runId, stepId: "big", position: 0, kind: "agent", status: "succeeded", outputJson: JSON.stringify({ text: big }) }, select: { id: true } });
  const s2 = await prisma.runStep.create({ data: { runId, stepId: "small", position: 1, kind: "agent", status: "succeeded", outputJson: JSON.stringify({ text: "short" }) }, select: { id: true } });
  bigStepId = s1.id;
  smallStepId = s2.id;
  const call = await prisma.toolCall.create({
    data: { runId, runStepId: s1.id, server: "everything", tool: "echo", argumentsJson: "{}", resultJson: JSON.stringify({ content: [{ type: "text", text: big }] }), resultBytes: big.length, status: "succeeded" },
    select: { id: true },
  });
  callId = call.id;
});

const req = (path: string, bearer?: string) => new Request(`http://localhost:3000${path}`, { headers: { host: "localhost:3000", authorization: `Bearer ${bearer ?? token}` } });
const params = <P>(p: P) => ({ params: Promise.resolve(p) });

describe("large run payloads", () => {
  it("the run detail keeps small outputs inline and leaves large ones out with their size", async () => {
    const res = await getRun(req(`/api/runs/${runId}`), params({ id: runId }));
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.length).toBeLessThan(INLINE_PAYLOAD_MAX * 2);
    const detail = JSON.parse(text) as { steps: { id: string; output: unknown; outputOmitted: boolean; outputBytes: number; toolCalls: { result: unknown; resultOmitted: boolean }[] }[] };
    const [first, second] = detail.steps;
    expect(first).toMatchObject({ id: "big", output: null, outputOmitted: true });
    expect(first.outputBytes).toBeGreaterThan(big.length);
    expect(first.toolCalls[0]).toMatchObject({ result: null, resultOmitted: true });
    expect(second).toMatchObject({ id: "small", output: { text: "short" }, outputOmitted: false });
  });

  it("the endpoints return them whole", async () => {
    const output = await getOutput(req(`/api/runs/${runId}/steps/${bigStepId}/output`), params({ id: runId, runStepId: bigStepId }));
    expect(((await output.json()) as { output: { text: string } }).output.text).toBe(big);
    const result = await getResult(req(`/api/runs/${runId}/tool-calls/${callId}/result`), params({ id: runId, callId }));
    expect(((await result.json()) as { result: { content: { text: string }[] } }).result.content[0].text).toBe(big);
  });

  it("only for a step or call of that run, and only to a signed-in caller", async () => {
    expect((await getOutput(req(`/api/runs/other/steps/${bigStepId}/output`), params({ id: "other", runStepId: bigStepId }))).status).toBe(404);
    expect((await getResult(req(`/api/runs/other/tool-calls/${callId}/result`), params({ id: "other", callId }))).status).toBe(404);
    const wrongToken = `sb_${"A".repeat(43)}`;
    expect((await getOutput(req(`/api/runs/${runId}/steps/${smallStepId}/output`, wrongToken), params({ id: runId, runStepId: smallStepId }))).status).toBe(401);
  });
});
