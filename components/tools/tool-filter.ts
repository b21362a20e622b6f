// The /tools filter: every word typed must appear in the server's name or in the tool's name, title or
// description (case-insensitive). A server whose name matches keeps all its tools.

type ToolLike = { name: string; title?: string; description: string };
type ServerLike<T extends ToolLike> = { name: string; tools: T[] };

function words(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** The servers and tools a query keeps, in their order; an empty query keeps everything. */
export function filterServers<T extends ToolLike, S extends ServerLike<T>>(servers: S[], query: string): { server: S; tools: T[] }[] {
  const terms = words(query);
  if (terms.length === 0) return servers.map((server) => ({ server, tools: server.tools }));
  const out: { server: S; tools: T[] }[] = [];
  for (const server of servers) {
    const serverName = server.name.toLowerCase();
    if (terms.every((t) => serverName.includes(t))) {
      out.push({ server, tools: server.tools });
      continue;
    }
    const tools = server.tools.filter((tool) => {
      const hay = `${serverName} ${tool.name} ${tool.title ?? ""} ${tool.description}`.toLowerCase();
      return terms.every((t) => hay.includes(t));
    });
    if (tools.length) out.push({ server, tools });
  }
  return out;
}
