import { expect, test } from "./fixtures";

test("/tools lists server-everything's tools, calls echo from its form, and shows a failing server's error", async ({ page }) => {
  await page.goto("/tools");
  const everything = page.getByRole("region", { name: "Server everything" });
  await expect(everything.locator('[data-status="connected"]')).toBeVisible();
  for (const tool of ["echo", "get-sum", "trigger-long-running-operation"]) await expect(everything.getByRole("button", { name: tool, exact: true })).toBeVisible();
  await everything.getByRole("button", { name: "echo", exact: true }).click();
  const form = page.getByRole("form", { name: "Call echo" });
  await form.getByRole("textbox", { name: /^message/ }).fill("hello from the e2e");
  await form.getByRole("button", { name: "Call" }).click();
  await expect(form.getByLabel("Tool result")).toContainText("Echo: hello from the e2e");

  const broken = page.getByRole("region", { name: "Server broken" });
  await expect(broken.locator('[data-status="error"]')).toBeVisible();
  await expect(broken.getByRole("alert")).toContainText(/Could not start "broken"/);
  await broken.getByText(/^stderr \(last/).click();
  await expect(broken).toContainText("DATAFORSEO_LOGIN is not set");
});

test("the JSON API lists servers and refuses bad tool arguments with a clear message", async ({ request }) => {
  const servers = await (await request.get("/api/mcp/servers?connect=1")).json();
  const names = servers.items.map((s: { name: string }) => s.name);
  expect(names).toEqual(expect.arrayContaining(["everything", "files", "memory", "broken"]));
  const bad = await request.post("/api/mcp/servers/everything/tools/echo", { data: { arguments: { message: 42 } } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/message: must be string/);
  const ok = await request.post("/api/mcp/servers/everything/tools/get-sum", { data: { arguments: { a: 2, b: 40 } } });
  expect((await ok.json()).content[0].text).toMatch(/42/);
});
