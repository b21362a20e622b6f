// A tool result as text, JSON or images. Everything is rendered as text by React; images only from
// base64 raster data (never SVG), so a hostile result cannot run script.
import { isTextContent } from "@/lib/mcp/tool-result";

const RASTER = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

type ContentItem = { type?: string; text?: string; data?: string; mimeType?: string; [key: string]: unknown };

function isContentList(value: unknown): value is ContentItem[] {
  return Array.isArray(value) && value.every((v) => typeof v === "object" && v !== null);
}

export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return (
    <pre aria-label={label} className="max-h-80 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-950">
      {text}
    </pre>
  );
}

export function ToolResult({ result }: { result: unknown }) {
  const content = typeof result === "object" && result !== null && "content" in result ? (result as { content: unknown }).content : result;
  if (!isContentList(content)) return <JsonBlock value={result} label="Result" />;
  return (
    <div className="space-y-2">
      {content.map((item, i) => {
        if (isTextContent(item)) return <JsonBlock key={i} value={item.text} label="Result text" />;
        if (item.type === "image" && typeof item.data === "string" && RASTER.has(String(item.mimeType))) {
          return <img key={i} alt="Returned by the tool" className="max-h-80 rounded border border-zinc-200 dark:border-zinc-800" src={`data:${item.mimeType};base64,${item.data.replace(/[^A-Za-z0-9+/=]/g, "")}`} />;
        }
        return <JsonBlock key={i} value={item} label="Result item" />;
      })}
    </div>
  );
}
