import { ADMIN, expect, test } from "./fixtures";

test("a fresh install shows the one-time create-the-admin page, and never again", async ({ page, browser }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the admin" })).toBeVisible();
  await page.getByLabel("Name").fill("E2E Admin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: /Create admin/ }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);

  // once a user exists, the page is gone for everyone
  const other = await browser.newContext();
  const visitor = await other.newPage();
  await visitor.goto("/setup");
  await expect(visitor).toHaveURL(/\/login$/);
  await other.close();
});
