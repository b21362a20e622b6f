import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";
import { expectInert, expectNoInjectedScript, HOSTILE } from "./helpers";

test("create a client: its folder and CLAUDE.md exist, and it is listed", async ({ page }) => {
  const slug = uniqueName("bluebird-dental");
  const name = `Bluebird Dental ${slug.split("-").pop()}`;
  await page.goto("/clients");
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByLabel("Name").fill(name);
  await expect(page.getByLabel("Slug")).toHaveValue(slug);
  await page.getByLabel("Description").fill("Family dentist");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${slug}$`));
  await expect(page.locator("h1").first()).toContainText(name);
  const memory = path.join(workspace(), "clients", slug, "CLAUDE.md");
  expect(fs.readFileSync(memory, "utf8")).toContain(`# ${name}`);
  await page.goto("/clients");
  await expect(page.getByRole("link", { name })).toBeVisible();
});

test("a bad or taken slug gets a clear error and creates nothing", async ({ page }) => {
  await page.goto("/clients");
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByLabel("Name").fill("Acme again");
  await page.getByLabel("Slug").fill("acme");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByRole("alert").filter({ hasText: 'slug "acme" already exists' })).toBeVisible();
  const res = await page.request.post("/api/clients", { data: { slug: "../escape", name: "Escape" } });
  expect(res.status()).toBe(400);
  expect(fs.existsSync(path.join(workspace(), "escape"))).toBe(false);
});

test("memory with script, onerror, javascript: links, SVG and iframes is saved verbatim and shown inert", async ({ page, pageProblems }) => {
  const slug = uniqueName("memory-co");
  expect((await page.request.post("/api/clients", { data: { slug, name: "Memory Co" } })).status()).toBe(201);
  await page.goto(`/clients/${slug}`);
  await page.getByRole("button", { name: "Edit memory" }).click();
  const source = `# Acme memory\n\nSafe text stays.\n\n${HOSTILE}\n`;
  await page.getByLabel("CLAUDE.md source").fill(source);
  await page.getByRole("button", { name: "Save memory" }).click();
  await expect(page.getByRole("button", { name: "Edit memory" })).toBeVisible();
  await page.reload();
  await expect(page.getByText("Safe text stays.")).toBeVisible();
  await expectInert(page, ".prose-sb");
  await expectNoInjectedScript(page, pageProblems);
  expect(fs.readFileSync(path.join(workspace(), "clients", slug, "CLAUDE.md"), "utf8")).toBe(source);
});

test("archive asks first, hides the client, and can be undone", async ({ page }) => {
  const slug = uniqueName("old-client");
  const name = `Old Client ${slug.split("-").pop()}`;
  expect((await page.request.post("/api/clients", { data: { slug, name } })).status()).toBe(201);
  await page.goto(`/clients/${slug}`);
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByRole("dialog")).toContainText(`Archive ${name}?`);
  await page.getByRole("button", { name: "Archive client" }).click();
  await expect(page.locator('[data-status="archived"]')).toBeVisible();
  await page.goto("/clients");
  await expect(page.getByRole("link", { name })).toHaveCount(0);
  await page.getByRole("link", { name: "Show archived" }).click();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.goto(`/clients/${slug}`);
  await page.getByRole("button", { name: "Unarchive" }).click();
  await expect(page.locator('[data-status="active"]')).toBeVisible();
});
