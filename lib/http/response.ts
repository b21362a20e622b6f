// Small response helpers: every API error is JSON { error } with a 4xx status and no stack trace.
import { ZodError } from "zod";
import { publicMessage, SafeError } from "@/lib/errors";

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store", ...headers } });
}

function errorResponse(status: number, error: string): Response {
  return json({ error }, status);
}

export const unauthorized = () => errorResponse(401, "Unauthorized: sign in or send Authorization: Bearer <token>");
export const forbidden = (message = "Forbidden") => errorResponse(403, message);
export const notFound = (message = "Not found") => errorResponse(404, message);
export const badRequest = (message: string) => errorResponse(400, message);

function zodMessage(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** Maps a thrown value to a response the caller may see; anything unexpected is logged and hidden. */
export function errorToResponse(error: unknown): Response {
  if (error instanceof ZodError) return badRequest(zodMessage(error));
  if (error instanceof SafeError) return errorResponse(error.status, error.message);
  console.error("[api] unexpected error", error);
  return errorResponse(500, publicMessage(error));
}
