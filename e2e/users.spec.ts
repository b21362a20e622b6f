// Admin manages users in /settings: disable, role, password reset, sign out everywhere; each takes effect
// at the user's next request. And sign-in never leaves the site, whatever `next` says.
import type { Browser, Page } from "@playwright/test";
import { ADMIN, expect, test, uniqueName } from "./fixtures";

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function userPage(browser: Browser, email: string, password: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/login");
  await signIn(page, email, password);
  await expect(page.getByTestId("signed-in-user")).toHaveText(email);
  return page;
}

async function expectSignedOut(page: Page) {
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get("/api/runs")).status()).toBe(401);
}

test("an admin disables a user, changes a role, resets a password and signs a user out everywhere", async ({ page, browser }) => {
  test.setTimeout(300_000); // one long journey through five admin actions and two browsers, on a shared machine
  const email = `${uniqueName("user")}@e2e.test`;
  await page.goto("/settings");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("first-password-1");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Added ${email}.`)).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(email) });

  // disable: the open session ends at its next request; sign-in is refused
  const user = await userPage(browser, email, "first-password-1");
  await row.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("button", { name: "Disable user" }).click();
  await expect(row.locator('[data-status="disabled"]')).toBeVisible();
  await expectSignedOut(user);
  await signIn(user, email, "first-password-1");
  await expect(user.getByRole("alert").filter({ hasText: "Wrong" })).toBeVisible();

  // enable, then make them an admin: their next page shows admin settings
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.locator('[data-status="active"]')).toBeVisible();
  await signIn(user, email, "first-password-1");
  await expect(user.getByTestId("signed-in-user")).toHaveText(email);
  await row.getByRole("button", { name: "Make admin" }).click();
  await page.getByRole("button", { name: "Make admin" }).last().click();
  await expect(row.getByRole("cell", { name: "admin", exact: true })).toBeVisible();
  await user.goto("/settings");
  await expect(user.getByRole("heading", { name: "Users" })).toBeVisible();
  await row.getByRole("button", { name: "Make operator" }).click();
  await page.getByRole("button", { name: "Make operator" }).last().click();
  await expect(row.getByRole("cell", { name: "operator", exact: true })).toBeVisible();
  await user.goto("/settings");
  await expect(user.getByText("You are signed in as an operator")).toBeVisible();

  // sign out everywhere: the session ends; the password still works
  await row.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.getByRole("button", { name: "Sign out everywhere" }).last().click();
  await expect(row.getByRole("status")).toHaveText("Signed out everywhere.");
  await expectSignedOut(user);
  await signIn(user, email, "first-password-1");
  await expect(user.getByTestId("signed-in-user")).toHaveText(email);

  // password reset: the session ends, the old password is refused, the new one works
  await row.getByRole("button", { name: "Reset password" }).click();
  const resetForm = page.getByRole("form", { name: `Reset the password of ${email}` });
  await resetForm.getByLabel("New password").fill("second-password-2");
  await resetForm.getByRole("button", { name: "Reset password" }).click();
  await expect(row.getByRole("status")).toHaveText("Password reset; their sessions ended.");
  await expectSignedOut(user);
  await signIn(user, email, "first-password-1");
  await expect(user.getByRole("alert").filter({ hasText: "Wrong" })).toBeVisible();
  await signIn(user, email, "second-password-2");
  await expect(user.getByTestId("signed-in-user")).toHaveText(email);
  await user.context().close();
});

test("an admin cannot disable or demote themselves", async ({ page }) => {
  await page.goto("/settings");
  const own = page.getByRole("row", { name: new RegExp(`${ADMIN.email}.*\\(you\\)`) });
  await expect(own.getByRole("button", { name: "Sign out everywhere" })).toBeVisible();
  await expect(own.getByRole("button", { name: "Disable" })).toHaveCount(0);
  await expect(own.getByRole("button", { name: /Make / })).toHaveCount(0);
});

test.describe("after sign-in, next= only leads to a page of this site", () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  for (const next of ["/%5Cevil.example", "//evil.example", "/%5C%5Cevil.example", "https://evil.example", "/%09/evil.example", "/.//evil.example"]) {
    test(`next=${next}`, async ({ page, baseURL }) => {
      await page.goto(`/login?next=${next}`);
      await signIn(page, ADMIN.email, ADMIN.password);
      await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);
      expect(new URL(page.url()).origin).toBe(new URL(baseURL as string).origin);
      expect(new URL(page.url()).pathname).toBe("/");
    });
  }
});
