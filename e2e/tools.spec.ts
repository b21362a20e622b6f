import { expect, test } from "./fixtures";

test("/tools lists server-everything's tools, calls echo from its form, and shows a failing server's error", async ({ page }) => {
  // a long journey (/tools, /runs, the run page, /tools again) behind a cold MCP server start
  test.slow();
  await page.goto("/tools");
  const everything = page.getByRole("region", { name: "Server everything" });
  // a cold server-everything may take longer than one listing's connect timeout on a busy machine; the
  // board lists again every 15 s until it is connected
  await expect(everything.locator('[data-status="connected"]')).toBeVisible({ timeout: 50_000 });
  // folded until opened: the header says how many tools there are
  await expect(everything.getByRole("button", { name: "echo", exact: true })).toHaveCount(0);
  await expect(everything.locator("header")).toContainText(/\d+ tools/);
  await everything.getByRole("button", { name: "everything", exact: true }).click();
  for (const tool of ["echo", "get-sum", "trigger-long-running-operation"]) await expect(everything.getByRole("button", { name: tool, exact: true })).toBeVisible();
  await everything.getByRole("button", { name: "echo", exact: true }).click();
  const form = page.getByRole("form", { name: "Call echo" });
  const message = `hello from the e2e ${Math.random().toString(36).slice(2, 8)}`;
  await form.getByRole("textbox", { name: /^message/ }).fill(message);
  await form.getByRole("button", { name: "Call" }).click();
  await expect(form.getByLabel("Tool result")).toContainText(`Echo: ${message}`);

  // the call is kept as an ad-hoc call: listed on /tools with its result, and on /runs by its tool
  const recent = page.getByRole("list", { name: "Recent ad-hoc calls" }).getByRole("listitem").filter({ hasText: "everything/echo" }).first();
  await recent.locator("summary").click();
  await expect(recent).toContainText(`Echo: ${message}`);
  const runHref = await form.getByRole("link", { name: "recorded as an ad-hoc call" }).getAttribute("href");
  await page.goto("/runs");
  const row = page.locator(`a[href="${runHref}"]`);
  await expect(row).toContainText("ad-hoc call");
  await expect(row).toContainText("everything/echo");
  await row.click();
  await expect(page.getByRole("heading", { name: /Ad-hoc call of everything\/echo/ })).toBeVisible();
  await expect(page.locator('a[href^="/pipelines/"]')).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Retry/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  await page.goto("/tools");

  const broken = page.getByRole("region", { name: "Server broken" });
  await expect(broken.locator('[data-status="error"]')).toBeVisible();
  await expect(broken.getByRole("alert")).toContainText(/Could not start "broken"/);
  await broken.getByText(/^stderr \(last/).click();
  await expect(broken).toContainText("DATAFORSEO_LOGIN is not set");
});

test("the JSON API lists servers and refuses bad tool arguments with a clear message", async ({ request }) => {
  const servers = await (await request.get("/api/mcp/servers?connect=1")).json();
  const names = servers.items.map((s: { name: string }) => s.name);
  expect(names).toEqual(expect.arrayContaining(["everything", "files", "memory", "broken", "parked"]));
  // a disabled entry is listed, never started, and a call to it is refused saying so
  expect(servers.items.find((s: { name: string }) => s.name === "parked")).toMatchObject({ status: "disabled", tools: [], ignoredKeys: ["autoApprove", "timeout"] });
  const parked = await request.post("/api/mcp/servers/parked/tools/anything", { data: { arguments: {} } });
  expect(parked.status()).toBe(400);
  expect((await parked.json()).error).toMatch(/^The MCP server "parked" is disabled in mcp\.json/);
  const bad = await request.post("/api/mcp/servers/everything/tools/echo", { data: { arguments: { message: 42 } } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/message: must be string/);
  const ok = await request.post("/api/mcp/servers/everything/tools/get-sum", { data: { arguments: { a: 2, b: 40 } } });
  const called = await ok.json();
  expect(called.content[0].text).toMatch(/42/);
  // an ad-hoc call is a run of its own kind, and Retry is refused with a clear 409
  const run = await (await request.get(`/api/runs/${called.runId}`)).json();
  expect([run.trigger, run.pipelineSlug, run.call, run.canRetry]).toEqual(["adhoc", "", { server: "everything", tool: "get-sum" }, false]);
  const listed = await (await request.get("/api/runs?trigger=adhoc")).json();
  expect(listed.items.map((r: { id: string }) => r.id)).toContain(called.runId);
  const retry = await request.post(`/api/runs/${called.runId}/retry`);
  expect(retry.status()).toBe(409);
  expect((await retry.json()).error).toBe("An ad-hoc tool call cannot be retried: call the tool again from /tools");
});
