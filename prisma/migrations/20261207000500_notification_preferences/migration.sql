-- Per-person notifications: each person's preferences (the row "defaults" is the admins' defaults for
-- people who have not saved their own), and the messages held for a person's quiet hours or digest.
CREATE TABLE "NotificationPreference" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "eventsJson" TEXT NOT NULL,
    "clientsJson" TEXT,
    "channelsJson" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "quietStart" TEXT,
    "quietEnd" TEXT,
    "digestHour" INTEGER,
    "updatedAt" DATETIME NOT NULL
);

CREATE TABLE "NotificationHold" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "outboxId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "releaseAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "NotificationHold_userId_outboxId_key" ON "NotificationHold"("userId", "outboxId");
CREATE INDEX "NotificationHold_releaseAt_idx" ON "NotificationHold"("releaseAt");
