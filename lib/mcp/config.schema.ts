// The `mcpServers` format of Claude Code's .mcp.json: stdio servers (command, args, env, cwd) and
// remote servers (type http or sse, with url and headers).
import { z } from "zod";

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const ZStringMap = z.record(z.string(), z.string({ error: "expected text" }));

export const ZStdioServer = z.strictObject({
  type: z.literal("stdio").optional(),
  command: z.string({ error: "expected the command to run" }).min(1).max(1000),
  args: z
    .array(z.string({ error: "expected text" }))
    .max(200)
    .default([]),
  env: ZStringMap.default({}),
  cwd: z.string().max(1000).optional(),
  timeout: z.number().int().min(100).max(3_600_000).optional(),
});

export const ZRemoteServer = z.strictObject({
  // Cline writes "streamableHttp" and Cursor "streamable-http" for what Claude Code calls "http"
  type: z.enum(["http", "sse", "streamableHttp", "streamable-http"], { error: 'expected "stdio", "http" or "sse"' }).transform((t) => (t === "sse" ? "sse" : "http")),
  url: z.string({ error: "expected the server's URL" }).min(1).max(2000),
  headers: ZStringMap.default({}),
  timeout: z.number().int().min(100).max(3_600_000).optional(),
});

/**
 * Keys other clients keep in an `mcpServers` entry (Claude Desktop, Cursor, Cline, Roo, Windsurf) that
 * Switchboard reads past, so an entry copied from them loads as it is; /tools names the ones it ignored.
 * `disabled` is honoured (listed, never started). Any other unknown key is still an error naming it: a
 * typo (`arg`, `environment`) or a setting with a meaning here (Cursor's `envFile`) must not be dropped
 * silently, since the server would then start without what its author meant it to have.
 */
export const DROP_IN_KEYS = ["disabled", "autoApprove", "alwaysAllow", "disabledTools", "description", "name", "transportType", "watchPaths"] as const;

export const ZDisabled = z.boolean({ error: "expected true or false" }).optional();

export const ZServerConfig = z.union([ZRemoteServer, ZStdioServer], {
  error: 'expected { "command", "args", "env" } or { "type": "http", "url", "headers" }',
});

export const ZMcpFile = z.strictObject({
  mcpServers: z.record(z.string(), z.unknown(), { error: 'expected "mcpServers": { "<name>": { ... } }' }),
  // Switchboard's own settings sit beside mcpServers, never inside an entry, so Claude Code still
  // accepts the file as its own; checked on their own (ZSwitchboardSettings) so a mistake there
  // never stops a server
  switchboard: z.unknown().optional(),
});

const ZCheckUrl = z.string({ error: "expected a URL" }).min(1).max(2000);

/**
 * `"switchboard": { "servers": { "<name>": { "checkUrl": "https://..." } } }` in the workspace's
 * mcp.json: where a human checks what a server's call did when its outcome is unknown (e.g. the
 * WordPress posts list). `${VAR}` expands as in urls.
 */
export const ZSwitchboardSettings = z.strictObject({
  servers: z.record(z.string().regex(SERVER_NAME_PATTERN, "expected a server name"), z.strictObject({ checkUrl: ZCheckUrl.optional() })).default({}),
});
export type SwitchboardSettings = z.infer<typeof ZSwitchboardSettings>;

export type StdioServerConfig = z.infer<typeof ZStdioServer>;
export type RemoteServerConfig = z.infer<typeof ZRemoteServer>;
export type ServerConfig = z.infer<typeof ZServerConfig>;
export type Transport = "stdio" | "http" | "sse";
