"use client";
// Beside a new API token: the exact lines that connect Claude Code and Codex to Switchboard's MCP server.
import { Button } from "@/components/ui/button";
import { mcpSetupLines } from "@/lib/operator-mcp/setup-lines";

function Snippet({ label, text }: { label: string; text: string }) {
  return (
    <div className="mt-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{label}</p>
      <div className="mt-1 flex items-start gap-2">
        <pre aria-label={label} className="min-w-0 flex-1 overflow-x-auto whitespace-pre rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">
          {text}
        </pre>
        <Button size="sm" variant="secondary" onClick={() => navigator.clipboard?.writeText(text)}>
          Copy
        </Button>
      </div>
    </div>
  );
}

export function McpSetup({ mcpUrl, token }: { mcpUrl: string; token: string }) {
  const lines = mcpSetupLines(mcpUrl, token);
  return (
    <section aria-label="Use this token from Claude Code or Codex" className="mt-3 border-t border-emerald-200 pt-2 dark:border-emerald-900">
      <p className="font-medium">Use it from Claude Code or Codex (Switchboard&apos;s MCP server; the token&apos;s scope decides the tools)</p>
      <Snippet label="Claude Code" text={lines.claude} />
      <Snippet label="Codex: in your shell's environment" text={lines.codexEnv} />
      <Snippet label="Codex: in ~/.codex/config.toml" text={lines.codexToml} />
    </section>
  );
}
