"use server";
import { authAction } from "@/lib/actions/safe-action";
import { preflightPipeline } from "@/lib/engine/preflight";
import { ZPreflightInput } from "@/lib/engine/preflight.schema";

/** The run form asks before Run is clicked: which servers, tools or accepted pins a run would miss. */
export const preflightAction = authAction({ schema: ZPreflightInput }, async (input) => ({ problems: await preflightPipeline(input.pipeline, input.client) }));
