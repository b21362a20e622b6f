// POST /api/runs/:id/input { requestId?, stepId?, action: accept|decline|cancel, content? } - answer the
// question a step's tool asked (the step waits for input) -> 200 { answered, requestId, stepId }; 400 names a
// field that does not fit the requested schema; 409 when the run does not wait for input, the answer was
// already taken, or `requestId` (the step's inputRequest.id) is no longer the open question
import { answerInput } from "@/lib/engine/input-waits";
import { ZAnswerInputRequest } from "@/lib/engine/input-waits.schema";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ req, params, user }) => {
    const body = ZAnswerInputRequest.parse(await readJson(req, 256_000));
    return json(await answerInput({ runId: params.id, requestId: body.requestId, stepId: body.stepId, action: body.action, content: body.content, actor: { id: user.id, label: user.email } }));
  },
  { scope: "run" },
);
