import { expect, test, uniqueName } from "./fixtures";
import { expectInert, expectNoInjectedScript, HOSTILE } from "./helpers";

type RunJson = { status: string; steps: { id: string; status: string; draft: { id: string } | null; agent: { runner: string | null } | null }[] };

// The demo agent pipeline on Claude Code (the real binary, its model API the stand-in), approved; then
// "Run again with another runner" on its page puts it on the openai runner (the same stand-in), and the
// comparison shows both sides. The rerun's draft is edited to hostile markup: the diff shows it as text.
test("run the demo agent pipeline on one runner, rerun it on another from the run page, and compare the two", async ({ page, pageProblems }) => {
  test.setTimeout(300_000);
  // a client of this attempt's own: the pipeline runs one at a time per client, and other journeys leave runs waiting
  const client = uniqueName("compare-co");
  expect((await page.request.post("/api/clients", { data: { slug: client, name: client } })).ok()).toBe(true);
  const queued = await page.request.post("/api/runs", { data: { pipeline: "blog-post-agent", client, inputs: { topic: `Gutter cleaning ${client}` } } });
  expect(queued.status()).toBe(202);
  const { id: first } = (await queued.json()) as { id: string };

  await page.goto(`/runs/${first}`);
  await expect(page.getByRole("article", { name: "Step review" })).toHaveAttribute("data-status", "waiting", { timeout: 120_000 });
  const firstRun = (await (await page.request.get(`/api/runs/${first}`)).json()) as RunJson;
  expect(firstRun.steps.find((s) => s.id === "draft")?.agent?.runner).toBe("claude-code");
  const firstDraft = firstRun.steps.find((s) => s.id === "review")?.draft?.id as string;
  expect((await page.request.post(`/api/drafts/${firstDraft}/approve`, { data: {} })).ok()).toBe(true);
  await expect(page.getByRole("article", { name: "Step save" })).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });

  const form = page.getByRole("form", { name: "Run again with another runner" });
  await expect(form.getByLabel("Runner")).toBeVisible();
  await expect(form.getByLabel("Runner").locator("option")).toHaveText(["claude-code (this run's)", "codex", "anthropic", "openai"]);
  await form.getByLabel("Runner").selectOption("openai");
  await form.getByRole("button", { name: "Run again" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${first}$`), { timeout: 30_000 });
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  const second = page.url().split("/").pop() as string;

  const notice = page.getByLabel("Rerun of");
  await expect(notice).toContainText(`This run re-runs run ${first} on openai.`);
  await expect(notice.getByRole("link", { name: `run ${first}` })).toHaveAttribute("href", `/runs/${first}`);
  await expect(page.getByRole("article", { name: "Step review" })).toHaveAttribute("data-status", "waiting", { timeout: 90_000 });
  const secondRun = (await (await page.request.get(`/api/runs/${second}`)).json()) as RunJson;
  expect(secondRun.steps.find((s) => s.id === "draft")?.agent?.runner).toBe("openai");
  // the rerun's draft now holds hostile markup: the comparison must show it as text
  const secondDraft = secondRun.steps.find((s) => s.id === "review")?.draft?.id as string;
  expect((await page.request.put(`/api/drafts/${secondDraft}`, { data: { body: `Rewritten by a reviewer.\n\n${HOSTILE}` } })).ok()).toBe(true);

  await notice.getByRole("link", { name: "Compare" }).click();
  await expect(page).toHaveURL(`/runs/compare?a=${first}&b=${second}`);
  await expect(page.getByText("Run B re-runs A with the same inputs and client.")).toBeVisible();
  const table = page.getByLabel("Runs side by side");
  await expect(table.getByRole("row", { name: /^Runner/ })).toContainText(/claude-code.*openai/);
  await expect(table.getByRole("row", { name: /^Status/ })).toContainText(/succeeded.*waiting/);
  await expect(
    table
      .getByRole("row", { name: /^Input tokens/ })
      .getByRole("cell")
      .nth(0),
  ).toHaveText(/^[1-9][\d,]*$/);
  await expect(
    table
      .getByRole("row", { name: /^Input tokens/ })
      .getByRole("cell")
      .nth(1),
  ).toHaveText(/^[1-9][\d,]*$/);

  const step = page.getByLabel("Agent step draft");
  await expect(step.getByLabel("Run A agent")).toContainText("claude-code");
  await expect(step.getByLabel("Run B agent")).toContainText("openai");
  await expect(step.getByLabel("Run A tool calls")).toContainText("everything/echo");
  await expect(step.getByLabel("Run B tool calls")).toContainText("everything/echo");
  // both agents called echo through the stand-in and answered with its result: the same words
  await expect(step.getByLabel("Final text of draft", { exact: true })).toHaveText("Final answer: Echo: hello from the stand-in");
  await expect(step.getByLabel("Final text of draft changes")).toHaveText("The same in both runs.");

  const body = page.getByLabel("Draft body of review", { exact: true });
  await expect(body.locator("ins").filter({ hasText: "Rewritten by a reviewer." })).toHaveCount(1);
  await expect(body.locator("del").first()).toBeVisible();
  await expect(body).toContainText("<script>window.__pwned=1;alert(1)</script>");
  await expectInert(page, '[aria-label="Draft body of review"]');
  await expectNoInjectedScript(page, pageProblems);

  // the original's page lists its rerun with the same comparison; the rerun is cancelled so nothing waits on
  await page.goto(`/runs/${first}`);
  await expect(page.getByRole("list", { name: "Reruns" }).getByRole("link", { name: "Compare" })).toHaveAttribute("href", `/runs/compare?a=${first}&b=${second}`);
  expect((await page.request.post(`/api/runs/${second}/cancel`)).ok()).toBe(true);

  // unknown ids are said plainly
  await page.goto(`/runs/compare?a=${first}&b=no-such-run`);
  await expect(page.getByRole("alert").filter({ hasText: "Run B:" })).toHaveText("Run B: there is no run with the id no-such-run.");
});
