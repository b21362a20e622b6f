-- Ad-hoc tool calls are their own kind of run (trigger 'adhoc') with no pipeline: they no longer pose
-- as runs of a pipeline "adhoc" (a slug a real pipeline may have), and their name is "<server>/<tool>".
UPDATE "Run"
SET "pipelineSlug" = '',
    "pipelineName" = CASE WHEN "pipelineName" LIKE 'Ad-hoc: %' THEN substr("pipelineName", 9) ELSE "pipelineName" END
WHERE "trigger" = 'adhoc' AND "pipelineSlug" = 'adhoc';
