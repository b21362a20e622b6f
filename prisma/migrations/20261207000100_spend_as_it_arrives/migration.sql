-- Spend that cannot be outrun: a running agent step's cost is added to its run as each usage event
-- arrives (so a client's month includes running steps); the step keeps the subscription tokens it added,
-- so the cost computed once when it ends replaces what was added instead of adding it twice.
ALTER TABLE "RunStep" ADD COLUMN "subscriptionTokens" INTEGER NOT NULL DEFAULT 0;
-- the openai runner's default model (SWITCHBOARD_OPENAI_MODEL) had no price; read from OpenAI's pricing
-- page like the others (README: Spend and budgets), an admin checks it
INSERT OR IGNORE INTO "ModelPrice" ("model", "inputUsdPerMTok", "outputUsdPerMTok", "cacheReadUsdPerMTok", "cacheWriteUsdPerMTok", "updatedAt", "updatedByLabel") VALUES
  ('gpt-4.1-mini', 0.4, 1.6, 0.1, 0.4, '2026-12-07T00:00:00.000+00:00', 'default price (check it)');
-- a flapping heartbeat (fail, success, fail...) alerts at most once an hour: when it last alerted, and
-- when an incident last opened within that hour without alerting (it shows as flapping)
ALTER TABLE "HeartbeatState" ADD COLUMN "lastAlertAt" DATETIME;
ALTER TABLE "HeartbeatState" ADD COLUMN "flappedAt" DATETIME;
