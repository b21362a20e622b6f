// e2e: Debian's Chromium against the production build (`next start`), on a throwaway SQLite file and
// workspace made here. The temp folder is chosen once in the main process and inherited by workers.
import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const FREE_PORT = "const s = require('node:net').createServer(); s.listen(0, () => { process.stdout.write(String(s.address().port)); s.close(); });";
process.env.SB_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-e2e-"));
// A port the kernel says is free right now (bind port 0 in a child, synchronously: the config cannot
// await). Chosen once here and inherited by the workers through the environment, so two runs at once
// never share a server. SB_E2E_PORT set by hand still wins.
process.env.SB_E2E_PORT ??= execFileSync(process.execPath, ["-e", FREE_PORT], { encoding: "utf8" }).trim();
// server-everything over Streamable HTTP, started by the secrets spec, with a canary in its headers
process.env.SB_E2E_MCP_PORT ??= execFileSync(process.execPath, ["-e", FREE_PORT], { encoding: "utf8" }).trim();
// the model API stand-in (started by global-setup.ts) that agent steps talk to
process.env.SB_E2E_STANDIN_PORT ??= execFileSync(process.execPath, ["-e", FREE_PORT], { encoding: "utf8" }).trim();
const dir = process.env.SB_E2E_DIR;

// the e2e workspace: the demo workspace plus one server that cannot start, so /tools shows a failure
const workspace = path.join(dir, "workspace");
if (!fs.existsSync(workspace)) {
  fs.cpSync(path.join(root, "demo-workspace"), workspace, { recursive: true });
  const mcpFile = path.join(workspace, "mcp.json");
  const mcp = JSON.parse(fs.readFileSync(mcpFile, "utf8")) as { mcpServers: Record<string, unknown> };
  // a canary secret in a server's env: it must never reach a page, an API response or the database
  (mcp.mcpServers.everything as { env?: Record<string, string> }).env = { API_KEY: "${SB_E2E_CANARY}" };
  mcp.mcpServers.remote = { type: "http", url: `http://127.0.0.1:${process.env.SB_E2E_MCP_PORT}/mcp`, headers: { "X-Api-Key": "${SB_E2E_CANARY_HEADER}" } };
  mcp.mcpServers.broken = { command: "node", args: ["-e", "console.error('broken: DATAFORSEO_LOGIN is not set'); process.exit(2)"] };
  // an entry as Cline writes it, switched off: listed as disabled with a note on its ignored keys, never started
  mcp.mcpServers.parked = { command: "node", args: ["-e", "process.exit(9)"], disabled: true, autoApprove: ["anything"], timeout: 60 };
  fs.writeFileSync(mcpFile, JSON.stringify(mcp, null, 2));
}
fs.mkdirSync(path.join(dir, "home"), { recursive: true });
const port = Number(process.env.SB_E2E_PORT);
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: ".",
  outputDir: path.join(root, "test-results"),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? path.join(root, ".tmp", "playwright.json") }]],
  globalSetup: "./global-setup.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.SWITCHBOARD_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  projects: [
    // a fresh install has no user: the first journey creates the admin through the one-time page
    { name: "first-admin", testMatch: /first-admin\.setup\.ts/ },
    { name: "auth", testMatch: /auth\.setup\.ts/, dependencies: ["first-admin"] },
    { name: "chromium", testMatch: /.*\.spec\.ts/, dependencies: ["auth"], use: { storageState: path.join(dir, "admin.json") } },
  ],
  webServer: {
    // the server's log goes to a file the secrets spec searches for canaries
    command: `node ${path.join(root, "node_modules", "next", "dist", "bin", "next")} start -p ${port} >> ${path.join(dir, "server.log")} 2>&1`,
    cwd: root,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dir, "data", "e2e.db")}`,
      SWITCHBOARD_WORKSPACE: workspace,
      NEXTAUTH_URL: baseURL,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "1",
      SB_E2E_CANARY: "canary-e2e-secret-7f3a91",
      SB_E2E_CANARY_HEADER: "canary-e2e-header-5c2d81",
      ANTHROPIC_API_KEY: "canary-e2e-anthropic-3b8e40",
      OPENAI_API_KEY: "canary-e2e-openai-9a71c2",
      // agent steps: the real Claude Code binary against the stand-in (the key above is a canary), with a HOME of its own
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${process.env.SB_E2E_STANDIN_PORT}`,
      // the OpenAI-compatible runners too: nothing in e2e reaches for a host off this machine
      OPENAI_BASE_URL: `http://127.0.0.1:${process.env.SB_E2E_STANDIN_PORT}/v1`,
      SWITCHBOARD_CLAUDE_BIN: path.join(root, "node_modules", "@anthropic-ai", "claude-agent-sdk-linux-x64", "claude"),
      HOME: path.join(dir, "home"),
    },
  },
});
