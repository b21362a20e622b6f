// The arguments of the test task server's `job` tool (lib/testing/task-server.ts).
import { z } from "zod";

export const JobArgsShape = { label: z.string() };
