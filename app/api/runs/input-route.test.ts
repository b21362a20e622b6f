// POST /api/runs/<id>/input and the run page's action: a session (or a token of scope run) is needed, a
// cross-site post is refused, the answer is checked against the requested schema (400 naming the field),
// and it is taken once: of ten concurrent answers one wins and nine get 409. The wait itself is parked by
// the engine's own transition (parkForInput) on a run a "worker" holds, in a real SQLite file.
import "@/lib/testing/async-local-storage";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as postInput } from "@/app/api/runs/[id]/input/route";
import { answerInputAction } from "@/app/(app)/runs/actions";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma, writeTransaction } from "@/lib/db/client";
import { parkForInput } from "@/lib/engine/input-waits";
import { getRunDetail } from "@/lib/engine/run-detail";
import { callActionAs } from "@/lib/testing/server-actions";

const suffix = Math.random().toString(36).slice(2, 8);
let token = "";
let readToken = "";
let user: { id: string };
const SCHEMA = { type: "object", properties: { name: { type: "string", title: "Name" }, age: { type: "integer", minimum: 0 } }, required: ["name"] };

const owner = `worker-${suffix}`;

/** A run held by a worker whose one tool step asked for input (input_required): returns the run's id. */
async function waitingRun(kind: "input_required" | "elicitation" = "input_required", schema: Record<string, unknown> = SCHEMA): Promise<string> {
  const run = await prisma.run.create({
    data: { pipelineSlug: `p-${suffix}`, pipelineName: "Ask", pipelineJson: "{}", status: "running", leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + 60_000) },
    select: { id: true },
  });
  const step = await prisma.runStep.create({ data: { runId: run.id, stepId: "ask", position: 0, kind: "tool", status: "running" }, select: { id: true, stepId: true } });
  await askAgain(run.id, step, kind, schema);
  return run.id;
}

/** The worker holding the run parks its step for a question (again: the server's next round); returns the request's id. */
async function askAgain(runId: string, step: { id: string; stepId: string }, kind: "input_required" | "elicitation" = "input_required", schema: Record<string, unknown> = SCHEMA): Promise<string> {
  const parked = await writeTransaction((db) =>
    parkForInput(
      db,
      runId,
      owner,
      step,
      {
        kind,
        origin: "tool",
        message: "What is your name?",
        requestedSchema: schema,
        server: "modern",
        tool: "ask_name",
        ...(kind === "input_required" ? { inputRequired: { key: "name", inputRequests: { name: { method: "elicitation/create", params: { message: "What is your name?" } } }, requestState: "ask_name:1" } } : {}),
      },
      { keepLease: kind === "elicitation" },
    ),
  );
  expect(parked).toMatch(/^in/);
  return parked as string;
}

const openRequestOf = (runId: string) => prisma.stepInputRequest.findFirstOrThrow({ where: { runId, status: "pending" } });

beforeAll(async () => {
  user = await createUser({ email: `input-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
  token = (await createApiToken(user.id, { name: "run", scope: "run" }, { label: "test" })).token;
  readToken = (await createApiToken(user.id, { name: "read", scope: "read" }, { label: "test" })).token;
});

const post = (runId: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
  postInput(new Request(`http://localhost:3000/api/runs/${runId}/input`, { method: "POST", headers: { host: "localhost:3000", "content-type": "application/json", ...headers }, body: JSON.stringify(body) }), {
    params: Promise.resolve({ id: runId }),
  });

describe("POST /api/runs/<id>/input", () => {
  it("shows the question on the run and in GET /api/runs/<id>, and writes run.input-needed to the outbox with the wait", async () => {
    const runId = await waitingRun();
    const detail = await getRunDetail(runId);
    expect(detail?.status).toBe("waiting");
    expect(detail?.waitingFor).toBe("input");
    expect(detail?.steps[0]).toMatchObject({ status: "waiting", waitingFor: "input", inputRequest: { message: "What is your name?", schema: SCHEMA, kind: "input_required", server: "modern", tool: "ask_name" } });
    expect(detail?.steps[0].inputRequest?.requestedAt).toBeInstanceOf(Date);
    const outbox = await prisma.notificationOutbox.findMany({ where: { event: "run.input-needed", payloadJson: { contains: runId } } });
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0].payloadJson)).toMatchObject({ title: "Run of Ask waits for input", path: `/runs/${runId}` });
  });

  it("needs a session or a token that may run, and refuses a cross-site post", async () => {
    const runId = await waitingRun();
    // a browser request whose session cookie names no user, and a token that is not one
    expect((await callActionAs({ id: `nobody-${suffix}` }, () => post(runId, { action: "decline" }, {}))).status).toBe(401);
    expect((await post(runId, { action: "decline" }, { authorization: "Bearer sb_not-a-token" })).status).toBe(401);
    // the same browser session as a signed-in person is let in (here: its answer is checked and taken)
    expect((await callActionAs(user, () => post(runId, { action: "accept", content: {} }, {}))).status).toBe(400);
    expect((await post(runId, { action: "decline" }, { authorization: `Bearer ${readToken}` })).status).toBe(403);
    expect((await post(runId, { action: "decline" }, { cookie: "next-auth.session-token=x", origin: "https://evil.example" })).status).toBe(403);
    // still waiting: none of those was taken
    expect((await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } })).status).toBe("pending");
  });

  it("checks the answer against the requested schema, naming the field", async () => {
    const runId = await waitingRun();
    const missing = await post(runId, { action: "accept", content: { age: 3 } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/name: must have required property 'name'|name/);
    const wrongType = await post(runId, { action: "accept", content: { name: "Ada", age: -1 } });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: string }).error).toContain("age: must be >= 0");
    const badAction = await post(runId, { action: "maybe" });
    expect(badAction.status).toBe(400);
    expect(((await badAction.json()) as { error: string }).error).toContain("action");
  });

  it("takes the answer once: ten concurrent answers give one 200 and nine 409, and the step goes back to pending with the run queued", async () => {
    const runId = await waitingRun();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(runId, { action: "accept", content: { name: `Ada ${i}` } })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const request = await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } });
    expect(request.status).toBe("answered");
    expect(JSON.parse(request.contentJson ?? "{}").name).toMatch(/^Ada \d$/);
    // the durable kind requeues the run for whichever worker claims it; the step runs again with the answer
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("queued");
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId } })).status).toBe("pending");
    const loser = answers.find((r) => r.status === 409) ?? answers[0];
    expect(((await loser.json()) as { error: string }).error).toMatch(/not waiting for input|already answered/);
  });

  it("an old-style wait stays with the worker that holds its call: the answer is claimed, the run stays waiting for that worker", async () => {
    const runId = await waitingRun("elicitation");
    const res = await post(runId, { action: "decline" });
    expect(res.status).toBe(200);
    expect((await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } })).status).toBe("answered");
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "waiting", leaseOwner: `worker-${suffix}` });
  });

  it("the run page's action checks the session and answers the same way", async () => {
    const runId = await waitingRun();
    const stepId = "ask";
    const requestId = (await openRequestOf(runId)).id;
    const noSession = await callActionAs({ id: `nobody-${suffix}` }, () => answerInputAction({ id: runId, requestId, stepId, action: "decline" }));
    expect(noSession).toEqual({ ok: false, error: "Your session has ended. Sign in again." });
    const done = await callActionAs(user, () => answerInputAction({ id: runId, requestId, stepId, action: "decline" }));
    expect(done).toMatchObject({ ok: true, data: { answered: true, requestId, stepId } });
    const again = await callActionAs(user, () => answerInputAction({ id: runId, requestId, stepId, action: "decline" }));
    expect(again).toMatchObject({ ok: false });
    const request = await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } });
    expect([request.status, request.action, request.answeredByLabel]).toEqual(["answered", "decline", `input-${suffix}@example.com`]);
  });

  it("a late answer to an earlier question is refused, never taken for the step's next question", async () => {
    const runId = await waitingRun();
    const first = await openRequestOf(runId);
    const step = { id: first.runStepId, stepId: first.stepId };
    // tab A answers question 1; the worker sends the call again and the server asks a second time
    expect((await post(runId, { requestId: first.id, action: "accept", content: { name: "Ada" } })).status).toBe(200);
    await prisma.run.update({ where: { id: runId }, data: { status: "running", leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + 60_000) } });
    await prisma.runStep.update({ where: { id: step.id }, data: { status: "running" } });
    const second = await askAgain(runId, step);
    expect(second).not.toBe(first.id);
    // tab B, which showed question 1, declines it (over the API and with the page's action): both refused
    const late = await post(runId, { requestId: first.id, stepId: "ask", action: "decline" });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: string }).error).toMatch(/no longer open/);
    expect(await callActionAs(user, () => answerInputAction({ id: runId, requestId: first.id, stepId: "ask", action: "accept", content: { name: "Ada" } }))).toMatchObject({ ok: false });
    // a request of another run is not this run's question either
    const other = await waitingRun();
    expect((await post(runId, { requestId: (await openRequestOf(other)).id, action: "decline" })).status).toBe(409);
    // question 2 is untouched, and is answered by its own id
    expect(await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: second }, select: { status: true, action: true } })).toEqual({ status: "pending", action: null });
    const answered = await post(runId, { requestId: second, action: "accept", content: { name: "Grace" } });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ answered: true, requestId: second, stepId: "ask" });
    expect(JSON.parse((await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: second } })).contentJson ?? "{}")).toEqual({ name: "Grace" });
    expect(JSON.parse((await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: first.id } })).contentJson ?? "{}")).toEqual({ name: "Ada" });
  });

  it("checks an answer without running the server's pattern (a catastrophic one would freeze the process)", async () => {
    const runId = await waitingRun("input_required", { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$", default: "a" } }, required: ["code"] });
    // an answer the pattern would refuse (after a backtracking that grows fourfold with every two more
    // characters) is taken: the pattern was never compiled
    const res = await post(runId, { action: "accept", content: { code: `${"a".repeat(16)}!` } });
    expect(res.status).toBe(200);
  });

  it("does not keep the server's inputRequests (unread, unbounded, not redacted)", async () => {
    const runId = await waitingRun();
    expect((await openRequestOf(runId)).inputRequestsJson).toBeNull();
  });
});
