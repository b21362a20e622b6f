-- A human inside a tool call: a step whose tool asked for input (an old server's `elicitation/create`
-- mid-call, or a 2026-07-28 `input_required` result) waits with its request here. The answer is claimed
-- by one conditional UPDATE (status 'pending' -> 'answered'), so it is taken exactly once. An
-- `input_required` request keeps the server's requestState (byte-exact) and the call's identity, so the
-- wait survives a restart; an old-style request lives only while the worker that holds its call does.
CREATE TABLE "StepInputRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "runStepId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT 'tool',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "message" TEXT NOT NULL,
    "schemaJson" TEXT NOT NULL,
    "inputKey" TEXT,
    "inputRequestsJson" TEXT,
    "requestState" TEXT,
    "toolCallId" TEXT,
    "server" TEXT,
    "tool" TEXT,
    "workerId" TEXT,
    "action" TEXT,
    "contentJson" TEXT,
    "answeredById" TEXT,
    "answeredByLabel" TEXT,
    "answeredAt" DATETIME,
    "requestedAt" DATETIME NOT NULL,
    CONSTRAINT "StepInputRequest_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "StepInputRequest_runStepId_fkey" FOREIGN KEY ("runStepId") REFERENCES "RunStep" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "StepInputRequest_runId_idx" ON "StepInputRequest"("runId");
CREATE INDEX "StepInputRequest_runStepId_idx" ON "StepInputRequest"("runStepId");
CREATE INDEX "StepInputRequest_status_idx" ON "StepInputRequest"("status");
-- at most one open request per step attempt
CREATE UNIQUE INDEX "StepInputRequest_one_pending" ON "StepInputRequest"("runStepId") WHERE "status" = 'pending';
