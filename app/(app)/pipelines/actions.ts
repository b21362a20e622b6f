"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/actions/safe-action";
import { queueRun, RunInputsError } from "@/lib/engine/queue-run";

const ZRunPipelineInput = z.object({
  pipeline: z.string().min(1).max(64),
  client: z.string().max(64).nullable(),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

/** Queues the run and returns its id at once; the worker runs it and /runs/<id> shows it live. */
export const runPipelineAction = authAction({ schema: ZRunPipelineInput }, async (input, user) => {
  try {
    const id = await queueRun({
      pipelineSlug: input.pipeline,
      clientSlug: input.client || null,
      inputs: input.inputs,
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
