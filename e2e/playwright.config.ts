// e2e: Debian's Chromium against the production build (`next start`), on a throwaway SQLite file and
// workspace made here. The temp folder is chosen once in the main process and inherited by workers.
import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.env.SB_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-e2e-"));
process.env.SB_E2E_PORT ??= String(3300 + Math.floor(Math.random() * 600));
// the model API stand-in (started by global-setup.ts) that agent steps talk to
process.env.SB_E2E_STANDIN_PORT ??= String(4300 + Math.floor(Math.random() * 600));
const dir = process.env.SB_E2E_DIR;

// the e2e workspace: the demo workspace plus one server that cannot start, so /tools shows a failure
const workspace = path.join(dir, "workspace");
if (!fs.existsSync(workspace)) {
  fs.cpSync(path.join(root, "demo-workspace"), workspace, { recursive: true });
  const mcpFile = path.join(workspace, "mcp.json");
  const mcp = JSON.parse(fs.readFileSync(mcpFile, "utf8")) as { mcpServers: Record<string, unknown> };
  // a canary secret in a server's env: it must never reach a page, an API response or the database
  (mcp.mcpServers.everything as { env?: Record<string, string> }).env = { API_KEY: "${SB_E2E_CANARY}" };
  mcp.mcpServers.broken = { command: "node", args: ["-e", "console.error('broken: DATAFORSEO_LOGIN is not set'); process.exit(2)"] };
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
    command: `node ${path.join(root, "node_modules", "next", "dist", "bin", "next")} start -p ${port}`,
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
      // agent steps: the real Claude Code binary against the stand-in, with a HOME of its own
      ANTHROPIC_API_KEY: "sk-ant-e2e-standin-key",
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${process.env.SB_E2E_STANDIN_PORT}`,
      SWITCHBOARD_CLAUDE_BIN: path.join(root, "node_modules", "@anthropic-ai", "claude-agent-sdk-linux-x64", "claude"),
      HOME: path.join(dir, "home"),
    },
  },
});
