// Markdown from content we do not trust (client memory, drafts, tool output): raw HTML inside it is
// parsed and then sanitized to a safe subset; javascript:/data: links are dropped; nothing becomes script.
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import rehypeRaw from "rehype-raw";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";

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
  return (
    <div className={className ?? "prose-sb"}>
      <ReactMarkdown rehypePlugins={[rehypeRaw, [rehypeSanitize, schema]]} urlTransform={safeUrl}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
