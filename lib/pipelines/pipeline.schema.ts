// The shape of a pipeline file (INTERFACES.md, Workspace). The parsed result is also the snapshot a
// run keeps in Run.pipelineJson, so every transform here is idempotent: parsing a parsed pipeline again
// gives the same value.
import { z } from "zod";
import { SLUG_PATTERN } from "@/lib/workspace/paths";
import { builtinProblem } from "@/lib/pipelines/agent-builtins";

export const PIPELINE_FILE_MAX_BYTES = 256 * 1024;
const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
// <server>/<tool>: server names are mcp.json keys; MCP tool names use letters, digits, _ - and .
const TOOL_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\/[A-Za-z0-9_.-]{1,128}$/;
const AGENT_TOOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\/(\*|[A-Za-z0-9_.-]{1,128})$/;
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

const ZSlug = z.string().regex(SLUG_PATTERN, { error: "expected a slug (lowercase letters, digits and dashes)" });
const ZDuration = z.union([z.string().trim().regex(DURATION_PATTERN, { error: 'expected a duration such as "90s", "30m" or "2h"' }), z.number().positive({ error: "expected a positive number of seconds" })]);

const ZSelectOption = z.union([
  z.union([z.string(), z.number()]).transform((v) => ({ value: String(v), label: String(v) })),
  z.strictObject({ value: z.union([z.string(), z.number()]).transform(String), label: z.string().optional() }).transform((o) => ({ value: o.value, label: o.label ?? o.value })),
]);

const INPUT_TYPES = ["string", "text", "number", "boolean", "select"] as const;

const ZPipelineInput = z
  .strictObject({
    type: z.enum(INPUT_TYPES, { error: `expected one of ${INPUT_TYPES.join(", ")}` }).default("string"),
    required: z.boolean({ error: "expected true or false" }).default(false),
    label: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    placeholder: z.string().max(200).optional(),
    default: z.union([z.string().max(100_000), z.number(), z.boolean()]).optional(),
    options: z.array(ZSelectOption).min(1, { error: "a select needs at least one option" }).max(500).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === "select" && !input.options) ctx.addIssue({ code: "custom", path: ["options"], message: "a select input needs options" });
    if (input.type !== "select" && input.options) ctx.addIssue({ code: "custom", path: ["options"], message: "options are only for type: select" });
    if (input.default === undefined) return;
    const d = input.default;
    const ok =
      input.type === "number" ? typeof d === "number" : input.type === "boolean" ? typeof d === "boolean" : input.type === "select" ? (input.options ?? []).some((o) => o.value === String(d)) : typeof d === "string";
    if (!ok) ctx.addIssue({ code: "custom", path: ["default"], message: input.type === "select" ? "the default must be one of the options" : `the default must be a ${input.type === "text" ? "string" : input.type}` });
  });

export const AGENT_RUNNERS = ["claude-code", "codex", "anthropic", "openai"] as const;

const ZAgentMount = z.strictObject({
  path: z
    .string({ error: "expected an absolute path" })
    .max(1_000)
    .refine((p) => p.startsWith("/") && p !== "/" && !p.split("/").some((part) => part === ".." || part === "."), { error: "expected an absolute path (not /, no . or ..)" }),
  write: z.boolean().optional(),
});

const ZAgentStep = z
  .strictObject({
    runner: z.enum(AGENT_RUNNERS, { error: `expected one of ${AGENT_RUNNERS.join(", ")}` }),
    prompt: z.string({ error: "expected the prompt text" }).min(1).max(100_000),
    tools: z
      .array(z.string().regex(AGENT_TOOL_PATTERN, { error: "expected <server>/<tool> or <server>/*" }))
      .max(200)
      .default([]),
    model: z.string().min(1).max(200).optional(),
    max_turns: z.number().int().min(1).max(500).optional(),
    timeout: ZDuration.optional(),
    /** true: the gateway offers search_tools and call_tool in place of the step's tools; false: the whole list; unset: by their number */
    tool_search: z.boolean({ error: "expected true or false" }).optional(),
    builtin: z.array(z.string().min(1).max(100)).max(100).default([]),
    /** extra paths the CLI runners' sandbox shows the agent (an admin's file decides), read-only unless `write: true` */
    mounts: z.array(ZAgentMount).max(50).default([]),
    // the runners an operator may switch this step to on a rerun (an admin may pick any runner or model)
    alternatives: z
      .array(z.enum(AGENT_RUNNERS, { error: `expected one of ${AGENT_RUNNERS.join(", ")}` }))
      .max(AGENT_RUNNERS.length)
      .optional(),
  })
  .superRefine((agent, ctx) => {
    if (agent.mounts.length > 0 && agent.runner !== "claude-code" && agent.runner !== "codex") {
      ctx.addIssue({ code: "custom", path: ["mounts"], message: "mounts are for the claude-code and codex runners (their sandbox); this runner reads no files" });
    }
  });

const ZApprovalStep = z.strictObject({
  title: z.string({ error: "expected the draft title (text, templates allowed)" }).min(1).max(10_000),
  body: z.string({ error: "expected the draft body (text, templates allowed)" }).max(1_000_000),
});

/**
 * A tool step's `on_error`. `fail` (the default): an error result fails the step. `outcome-unknown`: an
 * error result of a tool that is neither read-only nor idempotent may have come after the server acted
 * (WordPress created the post, then a plugin died), so the step waits for a human as "outcome unknown".
 */
export const ON_ERROR_POLICIES = ["fail", "outcome-unknown"] as const;

const ZPipelineStep = z
  .strictObject({
    id: z.string({ error: "every step needs an id" }).regex(STEP_ID_PATTERN, { error: "expected letters, digits, _ or - (starting with a letter)" }),
    name: z.string().max(200).optional(),
    tool: z.string().regex(TOOL_REF_PATTERN, { error: "expected <server>/<tool>" }).optional(),
    args: z.record(z.string(), z.unknown(), { error: "expected a map of argument names to values" }).optional(),
    timeout: ZDuration.optional(),
    on_error: z.enum(ON_ERROR_POLICIES, { error: `expected one of ${ON_ERROR_POLICIES.join(", ")}` }).optional(),
    agent: ZAgentStep.optional(),
    approval: ZApprovalStep.optional(),
  })
  .superRefine((step, ctx) => {
    const kinds = [step.tool, step.agent, step.approval].filter((k) => k !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: "custom", message: "a step needs exactly one of tool, agent or approval" });
    if (step.args !== undefined && step.tool === undefined) ctx.addIssue({ code: "custom", path: ["args"], message: "args belong to tool steps" });
    if (step.on_error !== undefined && step.tool === undefined) ctx.addIssue({ code: "custom", path: ["on_error"], message: "on_error belongs to tool steps" });
    const builtin = step.agent ? builtinProblem(step.agent.runner, step.agent.builtin) : null;
    if (builtin) ctx.addIssue({ code: "custom", path: ["agent", "builtin"], message: `step "${step.id}": ${builtin}` });
  });

const CATCH_UP_POLICIES = ["none", "one"] as const;
export const OVERLAP_POLICIES = ["skip", "skip-while-running"] as const;

const ZPipelineSchedule = z.strictObject({
  cron: z.string({ error: 'expected a cron expression such as "0 2 * * *"' }).min(1).max(200),
  timezone: z.string().min(1).max(100).default("UTC"),
  grace: ZDuration.optional(),
  client: ZSlug.optional(),
  // after downtime: "one" = one catch-up run for the missed ticks (the default), "none" = skip them
  catchUp: z.enum(CATCH_UP_POLICIES, { error: `expected one of ${CATCH_UP_POLICIES.join(", ")}` }).default("one"),
  // a tick that falls while the previous run is still going is skipped; "skip-while-running" lets a run
  // that waits for a human (an approval) not count, so the next tick may start beside it
  overlap: z.enum(OVERLAP_POLICIES, { error: `expected one of ${OVERLAP_POLICIES.join(", ")}` }).optional(),
  // the pipeline to run when this heartbeat turns failing or late, once per incident
  on_failure: ZSlug.optional(),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  // a read-only precondition: an empty result records the tick as "nothing to do" and starts no run
  when: z
    .strictObject({
      tool: z.string().regex(TOOL_REF_PATTERN, { error: "expected <server>/<tool>" }),
      args: z.record(z.string(), z.unknown(), { error: "expected a map of argument names to values" }).default({}),
    })
    .optional(),
});

const ZPipelineFields = z.strictObject({
  name: z.string({ error: "every pipeline needs a name" }).trim().min(1).max(200),
  description: z.string().max(5000).default(""),
  clients: z.array(ZSlug).max(1000).optional(),
  inputs: z.record(z.string().regex(INPUT_NAME_PATTERN, { error: "input names use letters, digits and _" }), ZPipelineInput).default({}),
  concurrency: z.number().int().min(1).max(100).optional(),
  steps: z.array(ZPipelineStep, { error: "expected a list of steps" }).min(1, { error: "a pipeline needs at least one step" }).max(200),
  schedule: ZPipelineSchedule.optional(),
});

function checkPipeline(p: z.infer<typeof ZPipelineFields>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  p.steps.forEach((step, i) => {
    if (seen.has(step.id)) ctx.addIssue({ code: "custom", path: ["steps", i, "id"], message: `the step id "${step.id}" is used twice` });
    seen.add(step.id);
  });
  if (p.schedule?.client && p.clients && !p.clients.includes(p.schedule.client)) {
    ctx.addIssue({ code: "custom", path: ["schedule", "client"], message: `"${p.schedule.client}" is not in this pipeline's clients` });
  }
}

export const ZPipelineDefinition = ZPipelineFields.superRefine(checkPipeline);
/** What a run keeps: the definition plus the slug it was loaded from. */
export const ZPipelineSnapshot = ZPipelineFields.extend({ slug: ZSlug }).superRefine(checkPipeline);

export type PipelineDefinition = z.infer<typeof ZPipelineDefinition>;
export type PipelineSnapshot = z.infer<typeof ZPipelineSnapshot>;
export type PipelineStep = z.infer<typeof ZPipelineStep>;
export type PipelineInput = z.infer<typeof ZPipelineInput>;
export type PipelineSchedule = z.infer<typeof ZPipelineSchedule>;
export type StepKind = "tool" | "agent" | "approval";

export function stepKind(step: PipelineStep): StepKind {
  if (step.approval) return "approval";
  if (step.agent) return "agent";
  return "tool";
}

/** "30m" -> 1_800_000; a bare number is seconds. */
export function durationMs(value: string | number): number {
  if (typeof value === "number") return value * 1000;
  const m = DURATION_PATTERN.exec(value.trim());
  if (!m) throw new Error(`Invalid duration "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
  return Math.round(Number(m[1]) * unit);
}
