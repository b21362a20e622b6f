-- Sessions end at the next request when an admin signs a user out everywhere, disables them or resets
-- their password: the session carries the version it was issued under.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- API token scopes: read | run | admin. New tokens default to run; tokens made before scopes existed
-- acted with everything their maker could do, so they keep that (admin).
ALTER TABLE "ApiToken" ADD COLUMN "scope" TEXT NOT NULL DEFAULT 'run';
UPDATE "ApiToken" SET "scope" = 'admin';
