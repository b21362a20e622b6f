-- Heartbeats: what the status is computed from (the last success, failure, start and "nothing to do"
-- of each heartbeat, kept beside the event rows they summarise), the ping token sealed so signed-in
-- users can be shown their ping URL, and an index for the runs whose result is not yet recorded.
ALTER TABLE "HeartbeatState" ADD COLUMN "pingTokenSealed" TEXT;
ALTER TABLE "HeartbeatState" ADD COLUMN "resumedAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "lastSuccessAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "lastFailAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "lastStartAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "lastNothingAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "lastError" TEXT;

-- CreateIndex
CREATE INDEX "HeartbeatEvent_kind_durationMs_idx" ON "HeartbeatEvent"("kind", "durationMs");
