import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";

// Spend end to end: the admin prices a model in /settings, an agent run on it (the anthropic runner
// against the model stand-in, STANDIN_USAGE per model call) costs what the price says, the client page
// shows it against the budget the admin sets there, and over the budget the run form refuses the run
// with the reason.
test("admin prices a model, sets a client budget, sees the spend, and a run over budget is refused with the reason", async ({ page }) => {
  test.setTimeout(180_000);
  const tag = uniqueName("spend");
  const model = `e2e-model-${tag}`;
  const name = `Spend Co ${tag.split("-").pop()}`;
  fs.writeFileSync(
    path.join(workspace(), "pipelines", `${tag}.yaml`),
    `name: Spend ${tag}\nsteps:\n  - id: draft\n    agent:\n      runner: anthropic\n      model: ${model}\n      prompt: "Use the echo tool"\n      tools: [everything/echo]\n`,
  );
  expect((await page.request.post("/api/clients", { data: { slug: tag, name } })).status()).toBe(201);

  // add a price, then edit it
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Model price" });
  await form.getByLabel("Model id").fill(model);
  for (const label of ["Input $/MTok", "Output $/MTok", "Cache read $/MTok", "Cache write $/MTok"]) await form.getByLabel(label).fill("1");
  await form.getByRole("button", { name: "Add price" }).click();
  const row = page.locator(`tr[data-model="${model}"]`);
  await expect(row).toContainText("admin@e2e.test");
  await row.getByRole("button", { name: `Edit the price of ${model}` }).click();
  await expect(form.getByLabel("Model id")).toHaveValue(model);
  await form.getByLabel("Input $/MTok").fill("1000");
  await form.getByLabel("Output $/MTok").fill("1000");
  await form.getByRole("button", { name: "Save price" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved the price of ${model}` })).toBeVisible();
  await expect(row.locator("td").nth(1)).toHaveText("1000");

  // a run on that model: two model calls of 120 in, 30 out, 40 cache read, 8 cache write each
  const { id } = await (await page.request.post("/api/runs", { data: { pipeline: tag, client: tag } })).json();
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${id}`)).json()).status, { timeout: 90_000 }).toBe("succeeded");
  const run = await (await page.request.get(`/api/runs/${id}`)).json();
  const expected = (240 * 1000 + 60 * 1000 + 80 + 16) / 1_000_000;
  expect(run.usage.costUsd).toBeCloseTo(expected, 9);
  expect(run.steps[0].usage.price).toMatchObject({ model, inputUsdPerMTok: 1000 });
  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId("run-cost")).toHaveText("$0.3001");

  // the admin sets a budget below what was spent; the client page shows the spend against it
  await page.goto(`/clients/${tag}`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Edit client" });
  await dialog.getByLabel("Monthly budget (USD)").fill("0.25");
  await dialog.getByRole("button", { name: "Save" }).click();
  const spend = page.getByLabel("Spend this month");
  await expect(spend).toContainText("USD at API prices: $0.3001 of $0.25");
  await expect(spend).toContainText("budget reached");
  await expect(page.getByRole("img", { name: /Spend per month: .*\$0\.3001/ })).toBeVisible();
  const month = new Date().toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });

  // over the budget, the run form refuses the run and says why
  await page.goto(`/pipelines/${tag}`);
  await page.getByLabel("Client").selectOption(tag);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("alert").filter({ hasText: `Budget reached: ${name} has spent $0.3001 of its $0.25 budget for ${month}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/pipelines/${tag}$`));
  const runs = await (await page.request.get(`/api/runs?client=${tag}`)).json();
  expect(runs.items).toHaveLength(1);
});
