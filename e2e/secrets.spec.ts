import fs from "node:fs";
import path from "node:path";
import { e2eDir, expect, test, workspace } from "./fixtures";

const CANARY = "canary-e2e-secret-7f3a91";

test("a canary secret in an MCP server's env reaches no page, API response, run or database row", async ({ page }) => {
  // get-env returns the server's whole environment, canary included
  const call = await page.request.post("/api/mcp/servers/everything/tools/get-env", { data: { arguments: {} } });
  expect(call.status()).toBe(200);
  const body = await call.text();
  expect(body).toContain("[redacted]");
  expect(body).not.toContain(CANARY);
  const { runId } = JSON.parse(body) as { runId: string };
  for (const url of ["/api/mcp/servers?connect=1", `/api/runs/${runId}`, "/api/runs", "/api/pipelines"]) {
    expect(await (await page.request.get(url)).text(), url).not.toContain(CANARY);
  }
  for (const url of ["/tools", `/runs/${runId}`, "/runs", "/"]) {
    await page.goto(url);
    expect(await page.content(), url).not.toContain(CANARY);
  }
  for (const file of ["e2e.db", "e2e.db-wal"]) {
    const full = path.join(e2eDir(), "data", file);
    if (fs.existsSync(full)) expect(fs.readFileSync(full).includes(CANARY), file).toBe(false);
  }
});

test("a 10 MB tool result is stored truncated and its run page stays responsive", async ({ page }) => {
  const file = path.join(workspace(), "clients", "acme", "huge.txt");
  fs.writeFileSync(file, "y".repeat(10 * 1024 * 1024));
  const res = await page.request.post("/api/mcp/servers/files/tools/read_text_file", { data: { arguments: { path: file } } });
  expect(res.status()).toBe(200);
  const { runId, truncated } = (await res.json()) as { runId: string; truncated: boolean };
  expect(truncated).toBe(true);
  await page.goto(`/runs/${runId}`);
  await page.getByRole("article", { name: "Step call" }).locator("summary").first().click();
  await expect(page.getByText(/too large to show here|truncated/).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Runs", exact: true })).toBeVisible();
});
