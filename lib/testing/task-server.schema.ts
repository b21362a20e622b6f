// The arguments of the test task servers' `job` tool and of their tasks/* requests (lib/testing/task-server.ts).
import { z } from "zod";

export const JobArgsShape = { label: z.string() };
export const JobArgsSchema = z.object(JobArgsShape);
export const TaskIdParamsSchema = z.looseObject({ taskId: z.string() });
