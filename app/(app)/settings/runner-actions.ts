"use server";
import { authAction } from "@/lib/actions/safe-action";
import { ZRunnerStatusesInput, ZTestRunnerInput } from "@/lib/agents/agents.schema";
import { listRunnerStatuses, testRunnerAs } from "@/lib/agents/runner-status";

export const testRunnerAction = authAction({ schema: ZTestRunnerInput, role: "admin" }, async (input, user) => testRunnerAs(input.runner, { id: user.id, label: user.email }));

/** Loaded after the page renders: finding CLIs and probing endpoints can take seconds. */
export const runnerStatusesAction = authAction({ schema: ZRunnerStatusesInput, role: "admin" }, async () => listRunnerStatuses());
