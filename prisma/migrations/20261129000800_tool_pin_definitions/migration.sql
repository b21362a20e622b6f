-- A tool pin keeps the definition it hashed (description, input schema, annotations), so that what a
-- tool may do is read from the definition an admin accepted, not from what the server says now.
ALTER TABLE "ToolPin" ADD COLUMN "seenJson" TEXT;
ALTER TABLE "ToolPin" ADD COLUMN "acceptedJson" TEXT;
