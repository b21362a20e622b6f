// Names and limits of agent runners, shared by the runners, the engine and /settings.
import { z } from "zod";
import { AGENT_RUNNERS } from "@/lib/pipelines/pipeline.schema";

export const ZAgentRunnerName = z.enum(AGENT_RUNNERS);
export type AgentRunnerName = z.infer<typeof ZAgentRunnerName>;

export const DEFAULT_MAX_TURNS = 25;
export const DEFAULT_AGENT_TIMEOUT_MS = 15 * 60_000;
export const ANSWER_MAX_CHARS = 500_000;

export const ZTestRunnerInput = z.object({ runner: ZAgentRunnerName });
/** The runners card asks for every runner's status: no input. */
export const ZRunnerStatusesInput = z.object({});
