-- /runs filters by any mix of client, pipeline and status, newest first. Each mix gets an index that
-- starts with its equality columns and ends in (createdAt, id), so every filter is one index range read
-- in page order and never a scan (at 1,000,000 runs a client + pipeline scan took hundreds of ms).
DROP INDEX "Run_clientId_createdAt_idx";
DROP INDEX "Run_status_createdAt_idx";
DROP INDEX "Run_pipelineSlug_createdAt_idx";
DROP INDEX "Run_createdAt_idx";
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt", "id");
CREATE INDEX "Run_clientId_createdAt_id_idx" ON "Run"("clientId", "createdAt", "id");
CREATE INDEX "Run_status_createdAt_id_idx" ON "Run"("status", "createdAt", "id");
CREATE INDEX "Run_pipelineSlug_createdAt_id_idx" ON "Run"("pipelineSlug", "createdAt", "id");
CREATE INDEX "Run_clientId_pipelineSlug_createdAt_id_idx" ON "Run"("clientId", "pipelineSlug", "createdAt", "id");
CREATE INDEX "Run_clientId_status_createdAt_id_idx" ON "Run"("clientId", "status", "createdAt", "id");
CREATE INDEX "Run_pipelineSlug_status_createdAt_id_idx" ON "Run"("pipelineSlug", "status", "createdAt", "id");
CREATE INDEX "Run_clientId_pipelineSlug_status_createdAt_id_idx" ON "Run"("clientId", "pipelineSlug", "status", "createdAt", "id");
