import { expect, test } from "./fixtures";

// The demo agent pipeline with the real Claude Code binary, its model API a stand-in (started by the
// global setup): the agent calls a tool through Switchboard's gateway and its answer becomes a draft.
test("the demo agent pipeline drafts a post; the run page shows the transcript with the tool call and tokens", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/pipelines");
  await page.getByRole("link", { name: "Blog post (agent)" }).click();
  await page.getByLabel("Client").selectOption("acme");
  await page.getByLabel("Topic *").fill(`Winter pipe care ${Math.random().toString(36).slice(2, 6)}`);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 60_000 });
  const runId = page.url().split("/").pop() as string;

  await expect(page.getByRole("article", { name: "Step draft" })).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await expect(page.getByRole("article", { name: "Step review" })).toHaveAttribute("data-status", "waiting");

  const transcript = page.getByRole("region", { name: "Transcript of draft" });
  await expect(transcript.getByText("Prompt", { exact: true })).toBeVisible();
  await expect(transcript.getByText(/Write a short blog post/).first()).toBeVisible();
  const call = transcript.getByRole("group", { name: "Tool call everything/echo" });
  await expect(call).toBeVisible();
  await call.locator("summary").click();
  await expect(call.getByLabel("Arguments")).toContainText("hello from the stand-in");
  await expect(transcript.getByText("Final answer", { exact: true })).toBeVisible();
  await expect(transcript.getByLabel("Step tokens")).toHaveText(/^[1-9][\d,]* in · [1-9][\d,]* out/);

  const run = await (await page.request.get(`/api/runs/${runId}`)).json();
  expect(run.usage.inputTokens).toBeGreaterThan(0);
  const draftStep = run.steps.find((s: { id: string }) => s.id === "draft");
  expect(draftStep.agent).toMatchObject({ runner: "claude-code" });
  const draftId = run.steps.find((s: { id: string }) => s.id === "review").draft.id;
  const draft = await (await page.request.get(`/api/drafts/${draftId}`)).json();
  expect(JSON.stringify(draft)).toContain("Final answer: Echo: hello from the stand-in");
});

test("settings shows which runners are usable and tests one with a tiny call, never showing a key", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/settings");
  const claude = page.locator('tr[data-runner="claude-code"]');
  await expect(claude).toContainText(/\d+\.\d+\.\d+/, { timeout: 60_000 });
  // codex finds its CLI, a key (a canary) and the stand-in's OpenAI endpoint; the row says so, not the key
  const codex = page.locator('tr[data-runner="codex"]');
  await expect(codex).toContainText("OPENAI_API_KEY set");
  await expect(codex).toContainText("answers");
  await claude.getByRole("button", { name: "Test claude-code" }).click();
  await expect(claude.getByRole("status")).toContainText("Answered", { timeout: 120_000 });
  const html = await page.content();
  for (const key of ["canary-e2e-anthropic-3b8e40", "canary-e2e-openai-9a71c2"]) expect(html).not.toContain(key);
});
