// Small response helpers: every API error is JSON { error } with a 4xx status and no stack trace.
import { ZodError } from "zod";
import { publicMessage, SafeError } from "@/lib/errors";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "@/lib/http/json-depth";

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

/** Reads a request body up to `maxBytes`, counting while it streams: a body over the cap (chunked or not) is a 413 before it is all read. */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new SafeError(`Request body is larger than ${maxBytes} bytes`, 413);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // stop reading: the rest of the body is never buffered
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/** Reads a JSON body up to a size limit; too big or malformed is a clear 4xx. */
export async function readJson(req: Request, maxBytes = 1_000_000): Promise<unknown> {
  const text = await readBodyText(req, maxBytes);
  if (!text.trim()) return {};
  if (jsonNestsDeeperThan(text)) throw new SafeError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`, 400);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SafeError("Request body is not valid JSON", 400);
  }
}
