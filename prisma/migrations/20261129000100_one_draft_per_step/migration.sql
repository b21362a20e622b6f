-- One draft per approval step attempt. A worker that lost its lease could open a second draft for the
-- same step; the older one stays linked, any later one keeps its history but leaves the run (and a
-- pending one is closed, so nobody approves a draft its run no longer waits for).
UPDATE "Draft"
SET "status" = CASE WHEN "status" = 'pending' THEN 'rejected' ELSE "status" END,
    "decisionNote" = CASE WHEN "status" = 'pending' THEN 'A duplicate draft of the same approval step' ELSE "decisionNote" END,
    "decidedAt" = CASE WHEN "status" = 'pending' THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') ELSE "decidedAt" END,
    "runStepId" = NULL
WHERE "runStepId" IS NOT NULL
  AND "id" <> (
    SELECT d2."id" FROM "Draft" d2 WHERE d2."runStepId" = "Draft"."runStepId"
    ORDER BY d2."createdAt", d2."id" LIMIT 1
  );

CREATE UNIQUE INDEX "Draft_runStepId_key" ON "Draft"("runStepId");

-- A decision recorded before decisions and continuations shared one transaction may have been left
-- without its continuation by a crash: hand it to the run now, as the engine would have.
UPDATE "RunStep"
SET "status" = 'succeeded',
    "finishedAt" = COALESCE("finishedAt", strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    "error" = NULL,
    "outputJson" = (
      SELECT json_object('title', v."title", 'body', v."body", 'version', v."version", 'text', v."body")
      FROM "Draft" d JOIN "DraftVersion" v ON v."draftId" = d."id" AND v."version" = d."approvedVersion"
      WHERE d."runStepId" = "RunStep"."id" AND d."status" = 'approved'
    )
WHERE "status" = 'waiting' AND "kind" = 'approval'
  AND EXISTS (
    SELECT 1 FROM "Draft" d JOIN "DraftVersion" v ON v."draftId" = d."id" AND v."version" = d."approvedVersion"
    WHERE d."runStepId" = "RunStep"."id" AND d."status" = 'approved'
  );

UPDATE "RunStep"
SET "status" = 'failed',
    "finishedAt" = COALESCE("finishedAt", strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    "error" = 'Rejected: ' || COALESCE((SELECT d."decisionNote" FROM "Draft" d WHERE d."runStepId" = "RunStep"."id"), '')
WHERE "status" = 'waiting' AND "kind" = 'approval'
  AND EXISTS (SELECT 1 FROM "Draft" d WHERE d."runStepId" = "RunStep"."id" AND d."status" = 'rejected');

UPDATE "Run"
SET "status" = 'rejected', "finishedAt" = COALESCE("finishedAt", strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')), "error" = 'Rejected'
WHERE "status" = 'waiting'
  AND EXISTS (SELECT 1 FROM "RunStep" s JOIN "Draft" d ON d."runStepId" = s."id" WHERE s."runId" = "Run"."id" AND s."kind" = 'approval' AND s."status" = 'failed' AND d."status" = 'rejected')
  AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting');

UPDATE "Run"
SET "status" = 'queued'
WHERE "status" = 'waiting'
  AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting');
