// /tools at scale: the filter narrows servers and tools as one types, servers are folded until opened,
// and a call form built from a nested schema (server-filesystem's edit_file: a list of objects and a
// flag with a default) submits and shows the result. A drop-in entry that is disabled carries its note.
import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";

test("the filter narrows servers and tools, a folded server unfolds, and nothing matching says so", async ({ page }) => {
  test.slow(); // behind cold MCP server starts
  await page.goto("/tools");
  const everything = page.getByRole("region", { name: "Server everything" });
  const files = page.getByRole("region", { name: "Server files" });
  await expect(everything.locator('[data-status="connected"]')).toBeVisible({ timeout: 50_000 });
  await expect(files.locator('[data-status="connected"]')).toBeVisible({ timeout: 50_000 });

  // folded: no tool is drawn until the server is opened
  await expect(files.getByRole("button", { name: "edit_file", exact: true })).toHaveCount(0);
  await files.getByRole("button", { name: "files", exact: true }).click();
  await expect(files.getByRole("button", { name: "files", exact: true })).toHaveAttribute("aria-expanded", "true");
  await expect(files.getByRole("button", { name: "edit_file", exact: true })).toBeVisible();
  await files.getByRole("button", { name: "files", exact: true }).click();
  await expect(files.getByRole("button", { name: "edit_file", exact: true })).toHaveCount(0);

  const filter = page.getByRole("searchbox", { name: "Filter tools" });
  // a tool's name: only its server stays, opened, with only that tool
  await filter.fill("get-sum");
  await expect(files).toHaveCount(0);
  await expect(everything.getByRole("button", { name: "get-sum", exact: true })).toBeVisible();
  await expect(everything.getByRole("button", { name: "echo", exact: true })).toHaveCount(0);
  await expect(everything.locator("header")).toContainText(/1 of \d+ tools/);
  // a word of a description ("Preview changes using git-style diff format" is edit_file's dryRun; the
  // tool's own description speaks of line-based edits)
  await filter.fill("line-based edits");
  await expect(files.getByRole("button", { name: "edit_file", exact: true })).toBeVisible();
  await expect(everything).toHaveCount(0);
  const nothing = uniqueName("no-such-tool");
  await filter.fill(nothing);
  await expect(page.getByRole("status").filter({ hasText: `No tools match “${nothing}”` })).toBeVisible();
  await expect(page.getByRole("region", { name: /^Server / })).toHaveCount(0);
  await filter.fill("");
  await expect(everything).toBeVisible();
  await expect(everything.getByRole("button", { name: "echo", exact: true })).toHaveCount(0);
});

test("a nested-schema form (a list of objects and a flag) submits and shows the result", async ({ page }) => {
  test.slow();
  const dir = path.join(workspace(), "clients", uniqueName("forms"));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "notes.md");
  fs.writeFileSync(file, "alpha line\nbeta line\n");
  await page.goto("/tools");
  const files = page.getByRole("region", { name: "Server files" });
  await expect(files.locator('[data-status="connected"]')).toBeVisible({ timeout: 50_000 });
  await page.getByRole("searchbox", { name: "Filter tools" }).fill("edit_file");
  await files.getByRole("button", { name: "edit_file", exact: true }).click();
  const form = page.getByRole("form", { name: "Call edit_file" });
  await form.getByRole("textbox", { name: /^path/ }).fill(file);
  // edits: rows of { oldText, newText }, both required
  const edits = form.getByRole("group", { name: /^edits \*/ });
  await expect(edits).toContainText("No rows.");
  await edits.getByRole("button", { name: "Add edits" }).click();
  await edits.getByRole("button", { name: "Add edits" }).click();
  await edits.getByRole("button", { name: "Remove edits 2" }).click();
  const row = edits.getByRole("group", { name: /^edits 1/ });
  await row.getByRole("textbox", { name: /^oldText/ }).fill("beta line");
  await row.getByRole("textbox", { name: /^newText/ }).fill("gamma line");
  // dryRun has a default (false): a checkbox; ticked, the server only previews the change
  const dryRun = form.getByRole("checkbox", { name: /^dryRun/ });
  await expect(dryRun).not.toBeChecked();
  await dryRun.check();
  await form.getByRole("button", { name: "Call" }).click();
  const result = form.getByLabel("Tool result");
  await expect(result).toContainText("-beta line");
  await expect(result).toContainText("+gamma line");
  expect(fs.readFileSync(file, "utf8")).toBe("alpha line\nbeta line\n");
});

test("an enum argument is a select, and a disabled drop-in entry is listed with its note", async ({ page }) => {
  test.slow();
  await page.goto("/tools");
  const everything = page.getByRole("region", { name: "Server everything" });
  await expect(everything.locator('[data-status="connected"]')).toBeVisible({ timeout: 50_000 });
  await page.getByRole("searchbox", { name: "Filter tools" }).fill("get-annotated-message");
  await everything.getByRole("button", { name: "get-annotated-message", exact: true }).click();
  const form = page.getByRole("form", { name: "Call get-annotated-message" });
  await form.getByRole("combobox", { name: /^messageType/ }).selectOption("success");
  await form.getByRole("button", { name: "Call" }).click();
  await expect(form.getByLabel("Tool result")).toContainText("Operation completed successfully");

  await page.getByRole("searchbox", { name: "Filter tools" }).fill("parked");
  const parked = page.getByRole("region", { name: "Server parked" });
  await expect(parked.locator('[data-status="disabled"]')).toBeVisible();
  await expect(parked.getByRole("note", { name: "parked is disabled" })).toContainText("listed, never started");
  await expect(parked.getByRole("note", { name: "Keys ignored in parked" })).toContainText("autoApprove, timeout");
  await expect(parked.getByRole("alert")).toHaveCount(0);
});
