-- Switchboard's own MCP server: run_pipeline's idempotency keys, one run per (user, key).
CREATE TABLE "McpRunRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "runId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "McpRunRequest_userId_key_key" ON "McpRunRequest"("userId", "key");
