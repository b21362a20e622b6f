// One factory for TanStack Query keys, so a mutation invalidates exactly what shows its data.
export const queryKeys = {
  runs: (filters: Record<string, string | undefined> = {}) => ["runs", filters] as const,
  run: (id: string) => ["run", id] as const,
  drafts: (filters: Record<string, string | undefined> = {}) => ["drafts", filters] as const,
  draft: (id: string) => ["draft", id] as const,
  servers: () => ["mcp-servers"] as const,
  heartbeats: () => ["heartbeats"] as const,
};
