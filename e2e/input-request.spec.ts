// A tool that asks a person for input: server-everything's trigger-elicitation-request (an old-style
// elicitation/create in the middle of the call) waits as "waiting for input". The Today board lists the
// question; the run page shows the server's message and a form drawn from its schema; the answer sent from
// that form goes back to the server and the step finishes with it. A second answer is refused.
import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";

test("a tool's question waits on the run page and the Today board; answering the form on the run page finishes the step", async ({ page }) => {
  const slug = uniqueName("ask-person");
  fs.writeFileSync(path.join(workspace(), "pipelines", `${slug}.yaml`), `name: Ask a person ${slug}\nsteps:\n  - id: ask\n    tool: everything/trigger-elicitation-request\n    args: {}\n`);
  const queued = await page.request.post("/api/runs", { data: { pipeline: slug } });
  expect(queued.status()).toBe(202);
  const { id: runId } = (await queued.json()) as { id: string };
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${runId}`)).json()).waitingFor, { timeout: 30_000 }).toBe("input");

  // the Today board lists what waits for a person, with the server's words
  await page.goto("/");
  const board = page.getByRole("region", { name: "Waiting for your input" });
  await expect(board.getByRole("link", { name: `Ask a person ${slug}` })).toBeVisible();
  await expect(board.getByRole("form", { name: "Input for step ask" }).first()).toBeVisible();

  await page.goto(`/runs/${runId}`);
  const step = page.getByRole("article", { name: "Step ask" });
  await expect(step).toHaveAttribute("data-status", "waiting");
  await expect(step.locator('[data-waiting-for="input"]')).toBeVisible();
  const form = step.getByRole("form", { name: "Input for step ask" });
  await expect(form.getByTestId("input-message")).toHaveText("Please provide inputs for the following fields:");
  const name = uniqueName("Ada");
  await form.locator(`#arg-input-${runId}-ask-name`).fill(name);
  await form.getByRole("button", { name: "Send answer" }).click();

  // the page updates itself: the form goes, the call goes on with the answer and the run ends
  await expect(step).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(form).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Run log" })).toContainText('Input for step "ask" given by admin@e2e.test');
  const run = await (await page.request.get(`/api/runs/${runId}`)).json();
  expect(run.status).toBe("succeeded");
  expect(JSON.stringify(run.steps[0].output)).toContain(`Name: ${name}`);
  // the answer was taken once
  const again = await page.request.post(`/api/runs/${runId}/input`, { data: { action: "decline" } });
  expect(again.status()).toBe(409);
});
