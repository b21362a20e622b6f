"use server";
import { authAction } from "@/lib/actions/safe-action";
import { ZTestRunnerInput } from "@/lib/agents/agents.schema";
import { listRunnerStatuses, testRunner } from "@/lib/agents/runner-status";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";

export const testRunnerAction = authAction({ schema: ZTestRunnerInput, role: "admin" }, async (input, user) => {
  const result = await testRunner(input.runner);
  await recordAudit({ actor: { id: user.id, label: user.email }, action: "runner.test", targetType: "runner", targetId: input.runner, data: { ok: result.ok } });
  return result;
});

/** Loaded after the page renders: finding CLIs and probing endpoints can take seconds. */
export const runnerStatusesAction = authAction({ schema: z.object({}), role: "admin" }, async () => listRunnerStatuses());
