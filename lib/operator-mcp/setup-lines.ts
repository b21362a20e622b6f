// The lines an operator copies to connect Claude Code or Codex to Switchboard's MCP server: shown on
// /settings beside a new token and written the same in the README. Plain TS with no imports, so the
// settings page's client component uses it too.

/** The environment variable Codex and a project's .mcp.json read the token from. */
export const TOKEN_ENV_VAR = "SWITCHBOARD_TOKEN";

export function mcpSetupLines(mcpUrl: string, token: string) {
  return {
    claude: `claude mcp add --transport http switchboard ${mcpUrl} --header "Authorization: Bearer ${token}"`,
    codexEnv: `export ${TOKEN_ENV_VAR}=${token}`,
    codexToml: `[mcp_servers.switchboard]\nurl = "${mcpUrl}"\nbearer_token_env_var = "${TOKEN_ENV_VAR}"`,
    mcpJson: JSON.stringify({ mcpServers: { switchboard: { type: "http", url: mcpUrl, headers: { Authorization: `Bearer \${${TOKEN_ENV_VAR}}` } } } }, null, 2),
  };
}
