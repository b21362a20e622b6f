-- Reruns: a run may repeat another (trigger "rerun") with its agent steps switched to another runner or
-- model; the link is cleared, not cascaded, when the original is deleted.
ALTER TABLE "Run" ADD COLUMN "rerunOfId" TEXT REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Run" ADD COLUMN "rerunRunner" TEXT;
ALTER TABLE "Run" ADD COLUMN "rerunModel" TEXT;
CREATE INDEX "Run_rerunOfId_idx" ON "Run"("rerunOfId");
