// SECURITY.md row 7 for the places drafts and CLAUDE.md (drafts.spec.ts, clients.spec.ts) do not cover:
// hostile HTML in a tool result, a run log line and a pipeline title is shown as text. No script runs,
// no dialog opens (the shared page guard fails the test on any dialog), no element is injected.
import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";
import { expectNothingInjected, HOSTILE } from "./helpers";

// one line, as titles and log lines are
const HOSTILE_LINE = HOSTILE.replace(/\s*\n+\s*/g, " ");

test("a tool result carrying HTML is shown as text on /tools and on its run's page", async ({ page }) => {
  test.slow(); // two pages and two calls
  await page.goto("/tools");
  const everything = page.getByRole("region", { name: "Server everything" });
  // servers are folded until opened
  await everything.getByRole("button", { name: "everything", exact: true }).click();
  await everything.getByRole("button", { name: "echo", exact: true }).click();
  const form = page.getByRole("form", { name: "Call echo" });
  await form.getByRole("textbox", { name: /^message/ }).fill(HOSTILE_LINE);
  await form.getByRole("button", { name: "Call" }).click();
  const result = form.getByLabel("Tool result");
  await expect(result).toContainText("<script>window.__pwned=1;alert(1)</script>");
  await expect(result).toContainText('<img src=x onerror="window.__pwned=2;alert(2)">');
  await expectNothingInjected(page);

  // the same result as the ad-hoc call's run records and shows it
  const call = await page.request.post("/api/mcp/servers/everything/tools/echo", { data: { arguments: { message: HOSTILE_LINE } } });
  const { runId } = (await call.json()) as { runId: string };
  await page.goto(`/runs/${runId}`);
  const step = page.getByRole("article", { name: "Step call" });
  await step.locator("summary").first().click();
  await expect(step).toContainText('<iframe src="javascript:alert(6)"></iframe>');
  await expectNothingInjected(page);
});

test("a pipeline whose title and log lines carry HTML is listed, run and logged as text", async ({ page }) => {
  test.slow(); // four pages after a run reaches its approval step
  const slug = uniqueName("hostile");
  // a pipeline name may be 200 characters
  const title = 'Hostile <script>window.__pwned=1;alert(1)</script> <img src=x onerror="alert(2)"> <svg onload="alert(4)">';
  // the title and the approval's title (which the run log quotes) are the attacker's text
  fs.writeFileSync(
    path.join(workspace(), "pipelines", `${slug}.yaml`),
    [
      `name: ${JSON.stringify(title)}`,
      `description: ${JSON.stringify(`Described as ${HOSTILE_LINE}`)}`,
      "inputs:",
      "  note: { type: string, required: true }",
      "steps:",
      "  - id: review",
      '    approval: { title: "{{ inputs.note }}", body: "{{ inputs.note }}" }',
      "",
    ].join("\n"),
  );
  const queued = await page.request.post("/api/runs", { data: { pipeline: slug, inputs: { note: HOSTILE_LINE } } });
  expect(queued.status()).toBe(202);
  const { id: runId } = (await queued.json()) as { id: string };
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${runId}`)).json()).status).toBe("waiting");

  await page.goto("/pipelines");
  await expect(page.getByRole("link", { name: /^Hostile <script>/ })).toBeVisible();
  await expectNothingInjected(page);

  await page.goto(`/pipelines/${slug}`);
  await expect(page.locator("h1")).toContainText('<svg onload="alert(4)">');
  await expectNothingInjected(page);

  await page.goto("/runs");
  await expect(page.getByRole("link", { name: /^Hostile <script>/ }).first()).toBeVisible();
  await expectNothingInjected(page);

  await page.goto(`/runs/${runId}`);
  await expect(page.locator("h1")).toContainText("<script>window.__pwned=1;alert(1)</script>");
  const log = page.getByRole("list", { name: "Run log" });
  await expect(log).toContainText(`Waiting for approval of "<script>window.__pwned=1;alert(1)</script>`);
  await expect(log).toContainText("[click me](javascript:alert(3))");
  await expectNothingInjected(page);

  await page.request.post(`/api/runs/${runId}/cancel`);
});
