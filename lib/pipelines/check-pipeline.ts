// Checks that need the whole pipeline after its shape is valid: template references (each step may
// read only inputs, the client and steps before it), the cron expression and the timezone; and the
// approval boundary, given what is known of the tools (the caller reads it from the tool pins).
import { Cron } from "croner";
import { stepKind, type PipelineDefinition, type PipelineStep, type StepKind } from "@/lib/pipelines/pipeline.schema";
import { checkTemplateRef, collectStrings, findTemplates, type TemplateScope } from "@/lib/pipelines/templates";

export type PathIssue = { path: (string | number)[]; message: string };

/** Every templated string of a step, with its path inside the pipeline. */
function stepStrings(def: PipelineDefinition, index: number): { path: (string | number)[]; text: string }[] {
  const step = def.steps[index];
  const base = ["steps", index];
  if (step.approval) {
    return [
      { path: [...base, "approval", "title"], text: step.approval.title },
      { path: [...base, "approval", "body"], text: step.approval.body },
    ];
  }
  if (step.agent) return [{ path: [...base, "agent", "prompt"], text: step.agent.prompt }];
  return collectStrings(step.args ?? {}, [...base, "args"]);
}

/** Whether a pipeline runs for this client: its `clients:` list names it, or it has no such list. */
export function pipelineRunsForClient(def: Pick<PipelineDefinition, "clients">, clientSlug: string): boolean {
  return !def.clients || def.clients.includes(clientSlug);
}

/** Whether any template reads `client.*`: such a pipeline cannot run without a client. */
export function pipelineNeedsClient(def: PipelineDefinition): boolean {
  return def.steps.some((_, i) => stepStrings(def, i).some(({ text }) => findTemplates(text).some((t) => "path" in t && t.path[0] === "client")));
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function checkSchedule(def: PipelineDefinition): PathIssue[] {
  const schedule = def.schedule;
  if (!schedule) return [];
  const issues: PathIssue[] = [];
  const tzOk = isValidTimezone(schedule.timezone);
  if (!tzOk) issues.push({ path: ["schedule", "timezone"], message: `"${schedule.timezone}" is not an IANA timezone (e.g. America/Chicago, Europe/Berlin, UTC)` });
  try {
    new Cron(schedule.cron, { paused: true, timezone: tzOk ? schedule.timezone : undefined });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : "invalid";
    issues.push({ path: ["schedule", "cron"], message: `invalid cron "${schedule.cron}": ${detail}` });
  }
  for (const name of Object.keys(schedule.inputs ?? {})) {
    if (!(name in def.inputs)) issues.push({ path: ["schedule", "inputs", name], message: `unknown input "${name}"` });
  }
  for (const [name, input] of Object.entries(def.inputs)) {
    if (input.required && input.default === undefined && schedule.inputs?.[name] === undefined) {
      issues.push({ path: ["schedule"], message: `scheduled runs need a value for the required input "${name}" (schedule.inputs.${name} or a default)` });
    }
  }
  if (!schedule.client && pipelineNeedsClient(def)) {
    issues.push({ path: ["schedule"], message: "this pipeline reads {{ client.* }}: its schedule needs a client" });
  }
  return issues;
}

export function checkPipelineReferences(def: PipelineDefinition): PathIssue[] {
  const issues: PathIssue[] = [];
  const earlier = new Map<string, StepKind>();
  const scope: TemplateScope = {
    inputs: new Set(Object.keys(def.inputs)),
    earlierSteps: earlier,
    allSteps: new Set(def.steps.map((s) => s.id)),
  };
  def.steps.forEach((step, index) => {
    for (const { path, text } of stepStrings(def, index)) {
      for (const template of findTemplates(text)) {
        const problem = "error" in template ? template.error : checkTemplateRef(template.path, scope);
        if (problem) issues.push({ path, message: problem });
      }
    }
    earlier.set(step.id, stepKind(step));
  });
  return [...issues, ...checkSchedule(def)];
}

/** Where a step stands to the pipeline's approval steps: one comes before it, one comes after it. */
export type ApprovalPosition = { afterApproval: boolean; beforeApproval: boolean };

export function approvalPosition(steps: readonly PipelineStep[], stepId: string): ApprovalPosition {
  const index = steps.findIndex((s) => s.id === stepId);
  const isApproval = (s: PipelineStep) => stepKind(s) === "approval";
  if (index === -1) return { afterApproval: false, beforeApproval: false };
  return { afterApproval: steps.slice(0, index).some(isApproval), beforeApproval: steps.slice(index + 1).some(isApproval) };
}

/**
 * The approval boundary: an agent step before an approval step may use read-only tools only (SECURITY.md),
 * so listing any other tool by name is an error naming the step and the tool. `server/*` is no error: it
 * expands to the read-only tools alone. `readOnly` says what an admin accepted of a tool: true, false, or
 * null while its definition is not known yet (the run's pre-flight decides then, with its server started).
 */
export function checkApprovalBoundary(steps: readonly PipelineStep[], readOnly: (server: string, tool: string) => boolean | null): PathIssue[] {
  const issues: PathIssue[] = [];
  steps.forEach((step, index) => {
    if (!step.agent) return;
    const approval = steps.slice(index + 1).find((s) => stepKind(s) === "approval");
    if (!approval) return;
    step.agent.tools.forEach((ref, toolIndex) => {
      const slash = ref.indexOf("/");
      const server = ref.slice(0, slash);
      const tool = ref.slice(slash + 1);
      if (tool === "*" || readOnly(server, tool) !== false) return;
      issues.push({ path: ["steps", index, "agent", "tools", toolIndex], message: approvalBoundaryMessage(step.id, ref, approval.id) });
    });
  });
  return issues;
}

export function approvalBoundaryMessage(stepId: string, ref: string, approvalStepId?: string): string {
  return `the agent step "${stepId}" lists ${ref}, which is not read-only (by the definition an admin accepted): before the approval step${approvalStepId ? ` "${approvalStepId}"` : ""} an agent may use read-only tools only`;
}
