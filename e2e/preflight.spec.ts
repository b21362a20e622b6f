import fs from "node:fs";
import path from "node:path";
import { expect, test, workspace } from "./fixtures";

test("the run form shows what a run would miss before Run is clicked, and Run waits until it is there", async ({ page }) => {
  const slug = `preflight-${Math.random().toString(36).slice(2, 8)}`;
  const file = path.join(workspace(), "pipelines", `${slug}.yaml`);
  fs.writeFileSync(
    file,
    `name: Pre-flight ${slug}
steps:
  - id: first
    tool: everything/echo
    args: { message: "hi" }
  - id: later
    tool: everything/no_such_tool
  - id: elsewhere
    tool: nowhere-${slug}/anything
`,
  );
  try {
    await page.goto(`/pipelines/${slug}`);
    const missing = page.getByRole("alert", { name: "Missing before this run can start" });
    await expect(missing).toBeVisible({ timeout: 30_000 });
    await expect(missing.getByRole("listitem")).toHaveCount(2);
    await expect(missing).toContainText('has no tool "no_such_tool"');
    await expect(missing).toContainText(`No MCP server named "nowhere-${slug}"`);
    await expect(page.getByRole("button", { name: "Run" })).toBeDisabled();

    // fixed in the workspace: checking again clears the list and Run is offered
    fs.writeFileSync(file, `name: Pre-flight ${slug}\nsteps:\n  - id: first\n    tool: everything/echo\n    args: { message: "hi" }\n`);
    await missing.getByRole("button", { name: "Check again" }).click();
    await expect(page.getByText("Every MCP server and tool this pipeline needs is ready.")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("button", { name: "Run" })).toBeEnabled();
  } finally {
    fs.rmSync(file, { force: true });
  }
});
