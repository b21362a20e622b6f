// The one reading of an MCP tool result (CallToolResult): its text and its JSON. The engine's step
// output (`{{ steps.<id>.text|json }}`), the recorded call, the error message of a failed call and the
// result views on /runs and /tools all read a result through these, so they never disagree.
// Plain TS with no imports: client components use it too.

type TextContent = { type: "text"; text: string };

export function isTextContent(item: unknown): item is TextContent {
  return typeof item === "object" && item !== null && (item as { type?: unknown }).type === "text" && typeof (item as { text?: unknown }).text === "string";
}

/** The text content items joined with newlines; images, audio and resources add nothing. */
export function toolResultText(result: { content?: unknown }): string {
  return Array.isArray(result.content)
    ? result.content
        .filter(isTextContent)
        .map((item) => item.text)
        .join("\n")
    : "";
}

// Only text that looks like a JSON value is tried: prose that happens to start with a digit stays prose.
function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed || !/^[[{"\d-]|^(true|false|null)$/.test(trimmed)) return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return null;
  }
}

/** structuredContent when the tool gave one, else the text parsed as JSON, else null. */
export function toolResultJson(result: { content?: unknown; structuredContent?: unknown }): unknown {
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  return parseJsonText(toolResultText(result));
}

/**
 * What the caller of an ad-hoc tool call gets back, the same from POST /api/mcp/servers/<name>/tools/<tool>
 * and from the /tools page: the result as the server sent it, plus its text and JSON as a step reads them.
 */
export function toolCallReply(r: { content: unknown[]; structuredContent?: unknown; isError: boolean; error?: string; durationMs: number; runId: string; truncated: boolean }) {
  return {
    content: r.content,
    structuredContent: r.structuredContent,
    text: toolResultText(r),
    json: toolResultJson(r),
    isError: r.isError,
    error: r.error ?? null,
    durationMs: r.durationMs,
    runId: r.runId,
    truncated: r.truncated,
  };
}

/** Image types a result may show as an <img> (raster only: an SVG can carry script). */
export const RASTER_IMAGE_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export type ResultImage = { type: "image"; mimeType: string; data: string };

/**
 * A result's raster images whose base64 data is at most `maxChars` long (larger ones are left out), at
 * most `maxCount`: what a page may still show of a result too large to send whole (a screenshot).
 */
export function toolResultImages(result: unknown, maxChars: number, maxCount: number): ResultImage[] {
  const content = typeof result === "object" && result !== null ? (result as { content?: unknown }).content : null;
  if (!Array.isArray(content)) return [];
  const images: ResultImage[] = [];
  for (const item of content as { type?: unknown; mimeType?: unknown; data?: unknown }[]) {
    if (images.length >= maxCount) break;
    if (item?.type !== "image" || typeof item.data !== "string" || typeof item.mimeType !== "string") continue;
    if (!RASTER_IMAGE_TYPES.includes(item.mimeType) || item.data.length > maxChars || !/^[A-Za-z0-9+/=\s]*$/.test(item.data)) continue;
    images.push({ type: "image", mimeType: item.mimeType, data: item.data });
  }
  return images;
}
