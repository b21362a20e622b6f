import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";

test("click Run on a demo pipeline, watch it live, approve through the API, see it in the client's history", async ({ page }) => {
  // a client of this attempt's own: site-report runs one at a time per client
  const client = uniqueName("pipeline-co");
  expect((await page.request.post("/api/clients", { data: { slug: client, name: client } })).status()).toBe(201);
  await page.goto("/pipelines");
  await page.getByRole("link", { name: "Site report" }).click();
  await page.getByLabel("Client").selectOption(client);
  await page.getByLabel("Page to check *").fill("/pricing");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  const runId = page.url().split("/").pop() as string;

  // the page updates itself: the first step finishes and the run waits for approval, no reload
  await expect(page.getByRole("article", { name: "Step check" })).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByRole("article", { name: "Step review" })).toHaveAttribute("data-status", "waiting");
  const run = await (await page.request.get(`/api/runs/${runId}`)).json();
  expect(run.status).toBe("waiting");
  const draftId = run.steps.find((s: { id: string }) => s.id === "review").draft.id;

  const approve = await page.request.post(`/api/drafts/${draftId}/approve`, { data: { version: 1 } });
  expect(approve.status()).toBe(200);
  await expect(page.getByRole("article", { name: "Step save" })).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(page.getByText("succeeded").first()).toBeVisible();
  const file = path.join(workspace(), "clients", client, "reports", "site-report.md");
  expect(fs.readFileSync(file, "utf8")).toContain("# Site report: /pricing");

  await page.goto(`/clients/${client}`);
  const history = page.getByRole("region", { name: "Runs" });
  await expect(history.getByRole("link", { name: "Site report" }).first()).toBeVisible();
  await expect(history.locator('[data-status="succeeded"]').first()).toBeVisible();

  // /runs filters: choosing a client and a status narrows the list and the choice is kept in the form
  await page.goto("/runs");
  const filters = page.getByRole("form", { name: "Filter runs" });
  await filters.getByLabel("Client").selectOption(client);
  await filters.getByLabel("Status").selectOption("failed");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`client=${client}`));
  await expect(filters.getByLabel("Status")).toHaveValue("failed");
  await expect(page.locator(`a[href="/runs/${runId}"]`)).toHaveCount(0);
  await filters.getByLabel("Status").selectOption("succeeded");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page.locator(`a[href="/runs/${runId}"]`).first()).toBeVisible();
});

test("queueing through the API returns 202 with an id, and bad inputs get field errors", async ({ request }) => {
  const ok = await request.post("/api/runs", { data: { pipeline: "echo-check", inputs: { message: "via api" } } });
  expect(ok.status()).toBe(202);
  const { id } = await ok.json();
  await expect.poll(async () => (await (await request.get(`/api/runs/${id}`)).json()).status, { timeout: 20_000 }).toBe("succeeded");
  const detail = await (await request.get(`/api/runs/${id}`)).json();
  expect(detail.steps[0]).toMatchObject({ id: "echo", kind: "tool", status: "succeeded", attempt: 1 });
  expect(detail.steps[0].toolCalls[0]).toMatchObject({ server: "everything", tool: "echo", arguments: { message: "via api" } });
  const bad = await request.post("/api/runs", { data: { pipeline: "add-numbers", inputs: { a: "not a number" } } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/First number must be a number/);
  const list = await (await request.get("/api/runs?pipeline=echo-check&status=succeeded")).json();
  expect(list.items.some((r: { id: string }) => r.id === id)).toBe(true);
});
