// Request readers of the route handlers: a body read up to a size limit while it streams, and a JSON
// body that is too big, too deep or malformed as a clear 4xx (SafeError), never a crash.
import { SafeError } from "@/lib/errors";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "@/lib/http/json-depth";

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
