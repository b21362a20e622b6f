"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { queueRun, RunInputsError } from "@/lib/engine/queue-run";
import { ZRunRequest } from "@/lib/pipelines/run-inputs.schema";

/** Queues the run and returns its id at once; the worker runs it and /runs/<id> shows it live. */
export const runPipelineAction = authAction({ schema: ZRunRequest }, async (input, user) => {
  try {
    const id = await queueRun({
      pipelineSlug: input.pipeline,
      clientSlug: input.client || null,
      inputs: input.inputs ?? {},
      createdBy: { id: user.id, label: user.email },
      trigger: "manual",
    });
    revalidatePath("/runs");
    return { id, fieldErrors: null };
  } catch (error) {
    if (error instanceof RunInputsError) return { id: null, fieldErrors: error.fieldErrors };
    throw error;
  }
});
