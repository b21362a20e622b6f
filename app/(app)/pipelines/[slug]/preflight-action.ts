"use server";
import { authAction } from "@/lib/actions/safe-action";
import { preflightPipeline } from "@/lib/engine/preflight";
import { ZPreflightInput } from "@/lib/engine/preflight.schema";

// Deliberate exception to "long work never runs inside a request" (README, Development): the check only
// starts servers (once; the pool keeps them) and lists their tools, with connect timeouts; it sends no tool
// call, so it has no side effect, and the form needs its answer now, not after the queue.
/** The run form asks before Run is clicked: which servers, tools or accepted pins a run would miss. */
export const preflightAction = authAction({ schema: ZPreflightInput }, async (input) => ({ problems: await preflightPipeline(input.pipeline, input.client) }));
