import { request as playwrightRequest, type Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

async function makeToken(page: Page, name: string, scope: "read" | "run" | "admin") {
  await page.goto("/settings");
  await page.getByLabel("Token name").fill(name);
  await page.getByLabel("Scope").selectOption(scope);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^sb_/);
  return token;
}

test("an API token made in Settings works as a bearer token until it is revoked", async ({ page, baseURL }) => {
  test.slow();
  const name = uniqueName("cron on nexus");
  const token = await makeToken(page, name, "admin");
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  expect((await api.get("/api/clients")).status()).toBe(200);
  // a bearer request is not a cookie request, so it needs no Origin
  expect((await api.post("/api/clients", { data: { slug: uniqueName("via-token"), name: "Via token" } })).status()).toBe(201);
  await page.reload();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByRole("cell", { name: "admin", exact: true })).toBeVisible();
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(row.locator('[data-status="cancelled"]')).toBeVisible();
  expect((await api.get("/api/clients")).status()).toBe(401);
  await api.dispose();
});

test("a new token shows the Claude Code line and the Codex block, and the endpoint they name answers both MCP revisions", async ({ page, baseURL }) => {
  const token = await makeToken(page, uniqueName("terminal"), "read");
  const url = `${baseURL}/api/mcp`;
  await expect(page.getByLabel("Claude Code", { exact: true })).toHaveText(`claude mcp add --transport http switchboard ${url} --header "Authorization: Bearer ${token}"`);
  await expect(page.getByLabel("Codex: in your shell's environment", { exact: true })).toHaveText(`export SWITCHBOARD_TOKEN=${token}`);
  await expect(page.getByLabel("Codex: in ~/.codex/config.toml", { exact: true })).toHaveText(`[mcp_servers.switchboard]\nurl = "${url}"\nbearer_token_env_var = "SWITCHBOARD_TOKEN"`);
  // what those lines point at: the production build's /api/mcp, with that token
  const mcp = await playwrightRequest.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}`, accept: "application/json, text/event-stream" } });
  // 2025-11-25: a plain stateless request
  const legacy = await mcp.post(url, { data: { jsonrpc: "2.0", id: 1, method: "tools/list" } });
  expect(legacy.status()).toBe(200);
  const tools = ((await legacy.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
  expect(tools).toContain("whats_waiting");
  expect(tools).not.toContain("approve_draft");
  // 2026-07-28: server/discover, the revision and the client's capabilities in _meta
  const meta = { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientInfo": { name: "e2e", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} };
  const discover = await mcp.post(url, {
    headers: { "mcp-protocol-version": "2026-07-28", "mcp-method": "server/discover" },
    data: { jsonrpc: "2.0", id: 2, method: "server/discover", params: { _meta: meta } },
  });
  expect(discover.status()).toBe(200);
  expect(((await discover.json()) as { result: { supportedVersions: string[] } }).result.supportedVersions).toContain("2026-07-28");
  await mcp.dispose();
});

test("a read token reads and gets 403 for any change; a run token runs but cannot create clients", async ({ page, baseURL }) => {
  test.slow();
  const read = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${await makeToken(page, uniqueName("read"), "read")}` } });
  const run = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${await makeToken(page, uniqueName("run"), "run")}` } });
  expect((await read.get("/api/runs")).status()).toBe(200);
  const slug = uniqueName("scoped");
  expect((await read.post("/api/clients", { data: { slug, name: "Scoped" } })).status()).toBe(403);
  expect((await read.post("/api/runs", { data: { pipeline: "hello" } })).status()).toBe(403);
  expect((await run.post("/api/clients", { data: { slug, name: "Scoped" } })).status()).toBe(403);
  expect((await page.request.get(`/api/clients/${slug}`)).status()).toBe(404);
  await read.dispose();
  await run.dispose();
});

test("a cross-site POST carrying the admin's cookie is refused and changes nothing", async ({ page }) => {
  const slug = uniqueName("csrf-client");
  const res = await page.request.post("/api/clients", { headers: { Origin: "http://evil.example" }, data: { slug, name: "CSRF" } });
  expect(res.status()).toBe(403);
  const fetchSite = await page.request.post("/api/clients", { headers: { "Sec-Fetch-Site": "cross-site" }, data: { slug, name: "CSRF" } });
  expect(fetchSite.status()).toBe(403);
  expect((await page.request.get(`/api/clients/${slug}`)).status()).toBe(404);
});

test("an operator may run the day but not manage users, tokens or tools", async ({ page, browser, pageProblems }) => {
  test.slow();
  const email = `${uniqueName("operator")}@e2e.test`;
  await page.goto("/settings");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("operator-password-1");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Added ${email}.`)).toBeVisible();

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  pageProblems.watchContext(context);
  const op = await context.newPage();
  await op.goto("/login");
  await op.getByLabel("Email").fill(email);
  await op.getByLabel("Password").fill("operator-password-1");
  await op.getByRole("button", { name: "Sign in" }).click();
  await expect(op.getByTestId("signed-in-user")).toHaveText(email);
  await op.goto("/settings");
  await expect(op.getByText("You are signed in as an operator")).toBeVisible();
  const call = await op.request.post("/api/mcp/servers/everything/tools/echo", { data: { arguments: { message: "x" } } });
  expect(call.status()).toBe(403);
  expect((await op.request.post("/api/clients", { data: { slug: uniqueName("by-operator"), name: "By operator" } })).status()).toBe(201);
  await context.close();
});

test("My notifications: a personal webhook on this machine is refused by name; a personal channel sends a test and shows the outcome; disable push asks first", async ({ page }) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add a channel of your own" });
  // the filter is on in this server (SWITCHBOARD_NOTIFY_ALLOW_PRIVATE unset): the metadata address and loopback are refused, named
  await form.getByLabel("Type").selectOption("webhook");
  await form.getByLabel("Channel name").fill(uniqueName("metadata"));
  await form.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data/");
  await form.getByLabel("Signing secret").fill("s3cret");
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("alert")).toHaveText("169.254.169.254, a link-local (cloud metadata) address: a personal channel may not send there");
  await form.getByLabel("URL").fill("http://127.0.0.1:9/hook");
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("alert")).toHaveText("127.0.0.1, a loopback address: a personal channel may not send there");

  // a mail channel of one's own (no SMTP in this server): the test runs and says why it failed
  const name = uniqueName("my mail");
  await form.getByLabel("Type").selectOption("email");
  await form.getByLabel("Channel name").fill(name);
  await form.getByLabel("Address").fill(`${uniqueName("me")}@agency.example`);
  await form.getByRole("button", { name: "Add channel" }).click();
  const mine = page.getByRole("list", { name: "Your channels" });
  await expect(mine.getByText(name, { exact: true })).toBeVisible();
  await mine.getByRole("button", { name: `Send a test to your channel ${name}` }).click();
  await expect(mine.getByRole("status")).toHaveText("mail is not set up: set SMTP_URL and SMTP_FROM");

  // this browser has no push subscription: disabling asks first, then says there is nothing to disable
  await page.getByRole("button", { name: "Disable push on this browser" }).click();
  const confirm = page.getByRole("dialog").filter({ hasText: "Disable push on this browser?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Disable push", exact: true }).click();
  await expect(page.getByText("Push is not on for this browser: there is nothing to disable.")).toBeVisible();
});
