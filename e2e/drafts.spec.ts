import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";
import { expectInert, expectNoInjectedScript, HOSTILE, waitingDraft } from "./helpers";

/** A client of this attempt's own: site-report runs one at a time per client, and a retry or repeat must not queue behind an earlier attempt's waiting run. */
const ownClient = uniqueName;

test("run a demo pipeline, find its draft in the inbox, edit it, see the diff, approve, and the written file holds the edit", async ({ page }) => {
  const client = ownClient("drafts-co");
  const { runId, draftId } = await waitingDraft(page.request, client, "/about");
  await page.goto("/drafts");
  await page.getByRole("link", { name: `Site report for ${client}: /about` }).click();
  await expect(page.getByRole("heading", { name: `Site report for ${client}: /about` })).toBeVisible();
  await expect(page.getByText("files/write_file")).toBeVisible();

  await page.getByRole("tab", { name: "Edit source" }).click();
  await page.getByLabel("Body (Markdown)").fill("# About page report\n\nEdited by a human reviewer.\n");
  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved as version 2" })).toBeVisible();
  await expect(page.getByTestId("draft-preview")).toContainText("Edited by a human reviewer.");
  await expect(page.getByLabel("Diff").locator("ins").filter({ hasText: "Edited by a human reviewer" })).toHaveCount(1);
  await expect(page.getByLabel("Diff").locator("del").filter({ hasText: "answered; title and description are present" })).toHaveCount(1);
  await expect(page.getByLabel("Arguments for files/write_file")).toContainText("Edited by a human reviewer.");
  const api = (await (await page.request.get(`/api/drafts/${draftId}`)).json()) as { version: number; approvalEffect: { kind: string; summary: string; calls: { tool: string; arguments: { content?: string } }[] } };
  expect(api.version).toBe(2);
  expect(api.approvalEffect.kind).toBe("continues");
  expect(api.approvalEffect.summary).toContain("files/write_file");
  expect(api.approvalEffect.calls.map((c) => c.tool)).toEqual(["create_directory", "write_file"]);
  expect(api.approvalEffect.calls[1].arguments.content).toBe("# About page report\n\nEdited by a human reviewer.\n");

  await page.getByRole("button", { name: "Approve version 2" }).click();
  await expect(page.getByText("Version 2 approved; the run continues.")).toBeVisible();
  await page.goto(`/runs/${runId}`);
  await expect(page.getByRole("article", { name: "Step save" })).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  const file = path.join(workspace(), "clients", client, "reports", "site-report.md");
  expect(fs.readFileSync(file, "utf8")).toBe("# About page report\n\nEdited by a human reviewer.\n");

  // the client's page lists the draft and its audit trail: the edit and the approval of version 2
  await page.goto(`/clients/${client}`);
  await expect(
    page
      .getByLabel("Client drafts")
      .getByRole("listitem")
      .filter({ hasText: `Site report for ${client}` }),
  ).toContainText("approved");
  await expect(page.getByRole("listitem").filter({ hasText: "draft.approve" })).toContainText("version 2");
  await expect(page.getByRole("listitem").filter({ hasText: "draft.edit" })).toContainText("version 2");
});

test("approving a stale version is refused with a clear message; a double approval continues once", async ({ page }) => {
  const { draftId } = await waitingDraft(page.request, ownClient("stale-co"), "/contact");
  await page.goto(`/drafts/${draftId}`);
  // someone else saves version 2 while this page shows version 1
  expect((await page.request.put(`/api/drafts/${draftId}`, { data: { body: "changed elsewhere", baseVersion: 1 } })).status()).toBe(200);
  await page.getByRole("button", { name: "Approve version 1" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "changed since" })).toContainText("version 2 is current");
  const [a, b] = await Promise.all([page.request.post(`/api/drafts/${draftId}/approve`, { data: { version: 2 } }), page.request.post(`/api/drafts/${draftId}/approve`, { data: { version: 2 } })]);
  expect([a.status(), b.status()].sort()).toEqual([200, 409]);
});

test("hostile and huge draft bodies are shown as inert text and the page stays responsive", async ({ page, pageProblems }) => {
  const { draftId } = await waitingDraft(page.request, ownClient("hostile-co"), "/x");
  expect((await page.request.put(`/api/drafts/${draftId}`, { data: { title: '<img src=x onerror="alert(9)">', body: `# Hostile\n\n${HOSTILE}\n` } })).status()).toBe(200);
  await page.goto(`/drafts/${draftId}`);
  await expect(page.getByRole("heading", { name: /onerror/ })).toBeVisible();
  await expectInert(page, '[data-testid="draft-preview"]');
  await page.goto("/drafts");
  await expectNoInjectedScript(page, pageProblems);

  const big = `# Big\n\n${"All work and no play. ".repeat(95_000)}`;
  expect(Buffer.byteLength(big)).toBeGreaterThan(2_000_000);
  expect((await page.request.put(`/api/drafts/${draftId}`, { data: { body: big } })).status()).toBe(200);
  await page.goto(`/drafts/${draftId}`);
  await expect(page.getByRole("heading", { name: "Big" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Approve version/ })).toBeEnabled();
  await expect(page.getByRole("note").filter({ hasText: /preview shows the first \d+ KB/ })).toBeVisible();
  const tooBig = await page.request.put(`/api/drafts/${draftId}`, { data: { body: "x".repeat(2 * 1024 * 1024 + 10) } });
  expect(tooBig.status()).toBe(400);

  // nesting deep enough to overflow a recursive renderer is shown as plain text, and the page still works
  const deep = `${"<div>".repeat(20_000)}<img src=x onerror="alert(10)">`;
  expect((await page.request.put(`/api/drafts/${draftId}`, { data: { body: deep } })).status()).toBe(200);
  await page.goto(`/drafts/${draftId}`);
  await expect(page.getByRole("note").filter({ hasText: "shown as plain text" })).toBeVisible();
  await expect(page.getByTestId("draft-preview")).toContainText("<div><div>");
  await expect(page.getByRole("button", { name: /Approve version/ })).toBeEnabled();
  await expectNoInjectedScript(page, pageProblems);
});
