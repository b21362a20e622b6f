// A rerun's pipeline: the current file with every agent step switched to another runner and/or model.
// The switch is made before the run is queued, into the pipeline snapshot the run keeps, so the worker
// runs it like any other run and the run page shows what actually ran.
import { SafeError } from "@/lib/errors";
import type { AgentOverride } from "@/lib/engine/rerun.schema";
import type { PipelineSnapshot } from "@/lib/pipelines/pipeline.schema";

/**
 * A model belongs to its runner: when the runner changes and no model is named, the step's model is
 * dropped (the new runner's default), since a Claude model id means nothing to codex and back.
 */
export function switchAgentSteps(pipeline: PipelineSnapshot, override: AgentOverride): PipelineSnapshot {
  if (!override.runner && !override.model) return pipeline;
  if (!pipeline.steps.some((s) => s.agent)) throw new SafeError(`"${pipeline.name}" has no agent steps: there is no runner or model to switch`, 422);
  return {
    ...pipeline,
    steps: pipeline.steps.map((step) => {
      if (!step.agent) return step;
      const runner = override.runner ?? step.agent.runner;
      const { model: stepModel, ...agent } = step.agent;
      const model = override.model ?? (runner === step.agent.runner ? stepModel : undefined);
      // built-ins are named per runner (lib/pipelines/agent-builtins.ts): on another runner the step runs without them
      const builtin = runner === step.agent.runner ? agent.builtin : [];
      return { ...step, agent: { ...agent, runner, builtin, ...(model !== undefined ? { model } : {}) } };
    }),
  };
}
