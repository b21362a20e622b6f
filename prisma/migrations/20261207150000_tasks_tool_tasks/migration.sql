-- A tool call answered with a task (MCP tasks): its id, server and last status, stored before the first
-- poll so a restart resumes polling an HTTP server's task instead of sending the call again.
CREATE TABLE "ToolTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "toolCallId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "wire" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusMessage" TEXT,
    "pollIntervalMs" INTEGER,
    "ttlMs" INTEGER,
    "cancelSentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ToolTask_toolCallId_fkey" FOREIGN KEY ("toolCallId") REFERENCES "ToolCall" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ToolTask_toolCallId_key" ON "ToolTask"("toolCallId");
