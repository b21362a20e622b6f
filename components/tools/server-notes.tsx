// What /tools says about a server's entry beside its status: that it is disabled in its file, and which
// keys of a drop-in entry (copied from Claude Desktop, Cursor or Cline) Switchboard reads past.

type NotedServer = { name: string; source: string; status: string; ignoredKeys: string[] };

export function ServerNotes({ server }: { server: NotedServer }) {
  if (server.status !== "disabled" && server.ignoredKeys.length === 0) return null;
  return (
    <div className="space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {server.status === "disabled" && (
        <p role="note" aria-label={`${server.name} is disabled`}>
          Disabled in <code className="font-mono">{server.source}</code> (<code className="font-mono">&quot;disabled&quot;: true</code>): listed, never started. Pipeline steps, agents and calls that use it are refused
          until the key is removed or set to false.
        </p>
      )}
      {server.ignoredKeys.length > 0 && (
        <p role="note" aria-label={`Keys ignored in ${server.name}`}>
          Switchboard ignores{" "}
          {server.ignoredKeys.map((k, i) => (
            <span key={k}>
              {i > 0 ? ", " : ""}
              <code className="font-mono">{k}</code>
            </span>
          ))}{" "}
          in this entry of <code className="font-mono">{server.source}</code>: other MCP clients&apos; settings (Claude Desktop, Cursor, Cline) it has no use for.
          {server.ignoredKeys.includes("timeout") && " Its timeout is below 100, so it reads as Cline's seconds, not Switchboard's milliseconds: the default 60 s applies."}
        </p>
      )}
    </div>
  );
}
