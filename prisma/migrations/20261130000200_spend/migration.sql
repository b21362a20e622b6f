-- Spend: a price per model, the cost of each agent step kept with it (and the price applied), steps and
-- runs on a subscription login counted apart, a monthly token budget per client, and /runs sorted by cost
-- (one index per filter mix, like the (createdAt, id) ones, so a cost page is one index range read).
CREATE TABLE "ModelPrice" (
    "model" TEXT NOT NULL PRIMARY KEY,
    "inputUsdPerMTok" REAL NOT NULL,
    "outputUsdPerMTok" REAL NOT NULL,
    "cacheReadUsdPerMTok" REAL NOT NULL,
    "cacheWriteUsdPerMTok" REAL NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedByLabel" TEXT NOT NULL DEFAULT ''
);
-- Defaults read from the providers' pricing pages on 2026-11-30 (README: Spend and budgets); admins check them.
-- Claude: 5-minute cache writes; Haiku 5.5 at its prompt <= 100K band. OpenAI: no cache-write charge, so input.
INSERT INTO "ModelPrice" ("model", "inputUsdPerMTok", "outputUsdPerMTok", "cacheReadUsdPerMTok", "cacheWriteUsdPerMTok", "updatedAt", "updatedByLabel") VALUES
  ('claude-fable-5-1', 10, 50, 0.25, 12.5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-5-5', 4, 20, 0.2, 5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-5', 5, 25, 0.5, 6.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-sonnet-5-5', 2, 10, 0.1, 2.5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-sonnet-5', 2, 10, 0.2, 2.5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-haiku-5-5', 0.1, 0.5, 0.01, 0.125, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-4-8', 5, 25, 0.5, 6.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-4-7', 5, 25, 0.5, 6.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-4-6', 5, 25, 0.5, 6.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-4-5', 5, 25, 0.5, 6.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-opus-4-1', 15, 75, 1.5, 18.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-sonnet-4-6', 3, 15, 0.3, 3.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-sonnet-4-5', 3, 15, 0.3, 3.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-sonnet-4', 3, 15, 0.3, 3.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('claude-haiku-4-5', 1, 5, 0.1, 1.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.5', 5, 30, 0.5, 5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.4', 2.5, 15, 0.25, 2.5, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.4-mini', 0.75, 4.5, 0.075, 0.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.4-nano', 0.2, 1.25, 0.02, 0.2, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.3-codex', 1.75, 14, 0.175, 1.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5.2', 1.75, 14, 0.175, 1.75, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5', 1.25, 10, 0.125, 1.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)'),
  ('gpt-5-mini', 0.25, 2, 0.025, 0.25, '2026-11-30T00:00:00.000+00:00', 'default price (check it)');
ALTER TABLE "Client" ADD COLUMN "monthlyTokenBudget" INTEGER;
ALTER TABLE "Run" ADD COLUMN "subscription" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Run" ADD COLUMN "subscriptionTokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Run" ADD COLUMN "subscriptionUsd" REAL NOT NULL DEFAULT 0;
ALTER TABLE "Run" ADD COLUMN "unpricedModel" TEXT;
ALTER TABLE "RunStep" ADD COLUMN "subscription" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "RunStep" ADD COLUMN "apiCostUsd" REAL;
ALTER TABLE "RunStep" ADD COLUMN "priceJson" TEXT;
CREATE INDEX "Run_costUsd_id_idx" ON "Run"("costUsd", "id");
CREATE INDEX "Run_clientId_costUsd_id_idx" ON "Run"("clientId", "costUsd", "id");
CREATE INDEX "Run_status_costUsd_id_idx" ON "Run"("status", "costUsd", "id");
CREATE INDEX "Run_pipelineSlug_costUsd_id_idx" ON "Run"("pipelineSlug", "costUsd", "id");
CREATE INDEX "Run_clientId_pipelineSlug_costUsd_id_idx" ON "Run"("clientId", "pipelineSlug", "costUsd", "id");
CREATE INDEX "Run_clientId_status_costUsd_id_idx" ON "Run"("clientId", "status", "costUsd", "id");
CREATE INDEX "Run_pipelineSlug_status_costUsd_id_idx" ON "Run"("pipelineSlug", "status", "costUsd", "id");
CREATE INDEX "Run_clientId_pipelineSlug_status_costUsd_id_idx" ON "Run"("clientId", "pipelineSlug", "status", "costUsd", "id");
