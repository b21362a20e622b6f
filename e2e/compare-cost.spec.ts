import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";

// Money is written one way (lib/format.ts): a run that cost a third of a cent shows $0.0031 on its page
// and on /runs/compare alike, never "$0.00". The model is priced at 10 $/MTok in and out, 1 for cache;
// the stand-in reports 240 in, 60 out, 80 cache read and 16 cache write per run: $0.003096.
test("a run costing a fraction of a cent shows the same amount on its page and on the comparison", async ({ page }) => {
  test.setTimeout(180_000);
  const tag = uniqueName("cents");
  const model = `e2e-model-${tag}`;
  fs.writeFileSync(
    path.join(workspace(), "pipelines", `${tag}.yaml`),
    `name: Cents ${tag}\nsteps:\n  - id: draft\n    agent:\n      runner: anthropic\n      model: ${model}\n      prompt: "Use the echo tool"\n      tools: [everything/echo]\n`,
  );
  expect((await page.request.post("/api/clients", { data: { slug: tag, name: tag } })).status()).toBe(201);

  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Model price" });
  await form.getByLabel("Model id").fill(model);
  for (const [label, usd] of [
    ["Input $/MTok", "10"],
    ["Output $/MTok", "10"],
    ["Cache read $/MTok", "1"],
    ["Cache write $/MTok", "1"],
  ])
    await form.getByLabel(label).fill(usd);
  await form.getByRole("button", { name: "Add price" }).click();
  await expect(page.locator(`tr[data-model="${model}"]`)).toContainText("admin@e2e.test");

  const runs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const queued = await page.request.post("/api/runs", { data: { pipeline: tag, client: tag } });
    expect(queued.status()).toBe(202);
    runs.push(((await queued.json()) as { id: string }).id);
  }
  for (const id of runs) {
    await expect.poll(async () => (await (await page.request.get(`/api/runs/${id}`)).json()).status, { timeout: 90_000 }).toBe("succeeded");
    expect((await (await page.request.get(`/api/runs/${id}`)).json()).usage.costUsd).toBeCloseTo(0.003096, 9);
  }

  await page.goto(`/runs/${runs[0]}`);
  await expect(page.getByTestId("run-cost")).toHaveText("$0.0031");
  await page.goto(`/runs/compare?a=${runs[0]}&b=${runs[1]}`);
  const cost = page.getByLabel("Runs side by side").getByRole("row", { name: /^Cost/ }).getByRole("cell");
  await expect(cost).toHaveText(["$0.0031", "$0.0031"]);
  await expect(page.getByLabel("Run A agent")).toContainText("$0.0031");
});
