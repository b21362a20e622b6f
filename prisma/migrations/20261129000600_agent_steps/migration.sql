-- Agent steps: which runner and model ran the step, every kind of token it reports, and the hash of the
-- gateway token minted for it (valid only while the step runs).
ALTER TABLE "RunStep" ADD COLUMN "runner" TEXT;
ALTER TABLE "RunStep" ADD COLUMN "model" TEXT;
ALTER TABLE "RunStep" ADD COLUMN "turns" INTEGER;
ALTER TABLE "RunStep" ADD COLUMN "cacheReadTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RunStep" ADD COLUMN "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RunStep" ADD COLUMN "reasoningTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RunStep" ADD COLUMN "gatewayTokenHash" TEXT;
CREATE UNIQUE INDEX "RunStep_gatewayTokenHash_key" ON "RunStep"("gatewayTokenHash");
CREATE INDEX "RunEvent_runStepId_id_idx" ON "RunEvent"("runStepId", "id");
