-- A model call is admitted against the client's USD budget before it is made: the step holds the call's
-- estimated cost until its usage is recorded, so concurrent runs together stop within one call of the
-- budget. Only a running step's reservation counts: a step that ends (or whose worker died and was
-- recovered) holds nothing.
ALTER TABLE "RunStep" ADD COLUMN "reservedUsd" REAL NOT NULL DEFAULT 0;
