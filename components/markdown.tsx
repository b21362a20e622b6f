// Markdown from content we do not trust (client memory, drafts, tool output): raw HTML inside it is
// parsed and then sanitized to a safe subset; javascript:/data: links are dropped; nothing becomes script.
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import rehypeRaw from "rehype-raw";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import { MAX_RENDER_DEPTH, nestingDepth } from "@/lib/markdown-nesting";

const schema = {
  ...defaultSchema,
  // no inline SVG, iframes, forms or styles from content, whatever the default allows
  tagNames: (defaultSchema.tagNames ?? []).filter((t) => !["svg", "iframe", "form", "input", "style", "script"].includes(t)),
  protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], src: ["http", "https"] },
};

function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  return /^\s*(javascript|data|vbscript):/i.test(cleaned) ? "" : cleaned;
}

export function Markdown({ source, className }: { source: string; className?: string }) {
  if (nestingDepth(source) > MAX_RENDER_DEPTH) {
    return (
      <div className={className ?? "prose-sb"}>
        <p role="note" className="text-xs text-amber-800 dark:text-amber-300">
          This text nests more than {MAX_RENDER_DEPTH} levels deep, so it is shown as plain text, not rendered.
        </p>
        <pre className="font-mono text-xs break-words whitespace-pre-wrap">{source}</pre>
      </div>
    );
  }
  return (
    <div className={className ?? "prose-sb"}>
      <ReactMarkdown rehypePlugins={[rehypeRaw, [rehypeSanitize, schema]]} urlTransform={safeUrl}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
