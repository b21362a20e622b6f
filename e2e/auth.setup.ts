import { ADMIN, adminState, expect, test } from "./fixtures";

test("sign in once as the admin and keep the session for the other journeys", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);
  await page.context().storageState({ path: adminState() });
});
