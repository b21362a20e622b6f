// The approver's phone (390x844, touch): the menu opens the sidebar's links, a draft is approved from the
// inbox, the run page follows live, and six pages neither scroll sideways nor offer a tap target under
// 44 px, while the run page and the heartbeat board keep updating live. Then, at the desktop width, the sidebar's background reaches the bottom of a long page; and the
// manifest and its icons are served to a browser that has no session, so the home screen can fetch them.
import { request as playwrightRequest, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { expect, test, uniqueName, workspace } from "./fixtures";
import { waitingDraft } from "./helpers";

const MIN_TAP = 44;

/** The page does not scroll sideways; on failure, names the elements that stick out. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => {
    // an element past the right edge widens the page unless a scroller it belongs to clips it
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return true;
      return false;
    };
    const wide: string[] = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      const escapes = !clipped(el) || ["absolute", "fixed"].includes(getComputedStyle(el).position);
      if (r.width > 0 && r.right > window.innerWidth + 0.5 && escapes && wide.length < 8) wide.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide };
  });
  expect(scrollWidth, `${what} scrolls sideways; wider than the screen: ${wide.join(" | ")}`).toBeLessThanOrEqual(innerWidth);
}

/** Every visible button in the page (and the menu button) is at least 44 px high and wide enough to hit. */
async function expectTapTargets(page: Page, what: string) {
  const small = await page.evaluate((min) => {
    const found: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("main button, aside button, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio])")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest("dialog:not([open])")) continue;
      if (r.height < min - 0.5 || r.width < min - 0.5)
        found.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return found;
  }, MIN_TAP);
  expect(small, `tap targets under ${MIN_TAP} px on ${what}`).toEqual([]);
}

async function expectPhoneFriendly(page: Page, what: string) {
  await expectNoSidewaysScroll(page, what);
  await expectTapTargets(page, what);
}

test.describe("at 390x844 with touch", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

  test("the menu reaches every section; a draft is approved from the inbox; six pages fit the screen", async ({ page }) => {
    const client = uniqueName("phone-co");
    const { runId, draftId } = await waitingDraft(page.request, client, "/pricing");

    // Today: the links sit behind a menu button, a disclosure a screen reader can follow
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Today" })).toBeVisible();
    const menu = page.getByRole("button", { name: "Menu" });
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav).toBeHidden();
    await expectPhoneFriendly(page, "/");
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(nav).toBeVisible();
    for (const link of await nav.getByRole("link").all()) {
      const box = await link.boundingBox();
      expect(box?.height ?? 0, `nav link ${await link.textContent()}`).toBeGreaterThanOrEqual(MIN_TAP);
    }
    await expectPhoneFriendly(page, "/ with the menu open");
    // Escape closes it and gives focus back to the button
    await page.keyboard.press("Escape");
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();
    await menu.click();
    await nav.getByRole("link", { name: /^Drafts/ }).click();
    await expect(page).toHaveURL(/\/drafts$/);
    await expect(page.getByRole("heading", { name: "Drafts", exact: true })).toBeVisible();
    await expect(nav, "following a link closes the menu").toBeHidden();
    await expectPhoneFriendly(page, "/drafts");

    // the inbox -> the review: preview, edit tab, approve and reject within reach
    await page.getByRole("link", { name: `Site report for ${client}: /pricing` }).click();
    await expect(page).toHaveURL(new RegExp(`/drafts/${draftId}$`));
    await expect(page.getByRole("heading", { name: `Site report for ${client}: /pricing` })).toBeVisible();
    const approve = page.getByRole("button", { name: "Approve version 1" });
    await expect(approve).toBeVisible();
    await expect(page.getByRole("button", { name: "Reject…" })).toBeVisible();
    await expectPhoneFriendly(page, `/drafts/${draftId}`);
    await page.getByRole("tab", { name: "Edit source" }).click();
    await expect(page.getByLabel("Body (Markdown)")).toBeVisible();
    await expectPhoneFriendly(page, `/drafts/${draftId} while editing`);
    await page.getByRole("tab", { name: "Preview" }).click();
    // Reject asks in a dialog that fits the screen; cancelling leaves the draft pending
    await page.getByRole("button", { name: "Reject…" }).click();
    const rejectDialog = page.getByRole("dialog", { name: "Reject draft" });
    await expect(rejectDialog).toBeVisible();
    const dialogBox = await rejectDialog.boundingBox();
    expect((dialogBox?.x ?? -1) >= 0 && (dialogBox?.x ?? 0) + (dialogBox?.width ?? 999) <= 390, "the reject dialog fits the screen").toBe(true);
    for (const name of ["Cancel", "Reject draft"]) expect((await rejectDialog.getByRole("button", { name }).boundingBox())?.height ?? 0, name).toBeGreaterThanOrEqual(MIN_TAP);
    await rejectDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(rejectDialog).toBeHidden();
    await page.screenshot({ path: test.info().outputPath("draft-review-390.png"), fullPage: true });
    await approve.click();
    await expect(page.getByText("Version 1 approved; the run continues.")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /Version 1 approved by/ })).toBeVisible();
    expect(((await (await page.request.get(`/api/drafts/${draftId}`)).json()) as { status: string }).status).toBe("approved");

    // the run page follows the run live (it polls) to its end
    await page.goto(`/runs/${runId}`);
    await expect(page.getByRole("article", { name: "Step save" })).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expectPhoneFriendly(page, `/runs/${runId}`);

    // Heartbeats: a check of this attempt's own fails while the board is open; the board (it polls)
    // shows it failing, with its strip of results, and still fits the screen
    const slug = uniqueName("phone-check");
    const file = path.join(workspace(), "heartbeats.yaml");
    fs.writeFileSync(file, `${fs.readFileSync(file, "utf8").trimEnd()}\n- slug: ${slug}\n  name: Phone check ${slug}\n  every: 1h\n  grace: 10m\n`);
    let pingUrl = "";
    await expect
      .poll(async () => {
        const { items } = (await (await page.request.get("/api/heartbeats")).json()) as { items: { slug: string; pingUrl: string | null }[] };
        pingUrl = items.find((i) => i.slug === slug)?.pingUrl ?? "";
        return pingUrl;
      })
      .not.toBe("");
    await page.goto("/heartbeats");
    // on a phone the board is a list of cards, not a table to scroll sideways
    await expect(page.getByRole("table")).toBeHidden();
    const row = page
      .getByRole("list", { name: "Heartbeats" })
      .getByRole("listitem")
      .filter({ hasText: `Phone check ${slug}` });
    await expect(row).toBeVisible();
    await expect(row.getByRole("button", { name: `Pause Phone check ${slug}` })).toBeVisible();
    expect((await page.request.post(`${pingUrl}/fail`, { data: `error: https://example.com/${"very-long-path-segment/".repeat(12)} refused` })).status()).toBe(200);
    await expect(row.locator('[data-status="failing"]')).toBeVisible();
    await expect(row.getByRole("list", { name: /Last 1 results/ })).toBeVisible();
    await expectPhoneFriendly(page, "/heartbeats");

    await page.goto("/clients");
    await expect(page.getByRole("heading", { name: "Clients", exact: true })).toBeVisible();
    await expectPhoneFriendly(page, "/clients");
  });
});

test("at 1280 px the sidebar's background reaches the bottom of a long page", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  // the aside itself is as tall as the page (not a screen-high box that only sticks while scrolling,
  // which browsers that drop the stickiness leave behind after the first screen)
  const { pageHeight, asideHeight } = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return { pageHeight: document.documentElement.scrollHeight, asideHeight: (document.querySelector("aside") as HTMLElement).offsetHeight };
  });
  expect(pageHeight, "settings is longer than one screen").toBeGreaterThan(720 * 1.5);
  expect(asideHeight).toBeGreaterThanOrEqual(pageHeight - 1);
  // and its links stay in view at the bottom of the page
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" })).toBeInViewport();
});

test("the web app manifest and its icons are served without a session, with their content types", async ({ baseURL }) => {
  const anonymous = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const res = await anonymous.get("/manifest.webmanifest", { maxRedirects: 0 });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; type: string }[] };
    expect(manifest).toMatchObject({ name: "Switchboard", start_url: "/", display: "standalone" });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const path of ["/icon-192.png", "/icon-512.png", "/apple-touch-icon.png"]) {
      const icon = await anonymous.get(path, { maxRedirects: 0 });
      expect(icon.status(), path).toBe(200);
      expect(icon.headers()["content-type"], path).toBe("image/png");
      expect((await icon.body()).subarray(1, 4).toString(), path).toBe("PNG");
    }
    // nothing else came loose: a page still sends a visitor without a session to sign in
    const page = await anonymous.get("/drafts", { maxRedirects: 0 });
    expect([302, 303, 307, 308]).toContain(page.status());
    expect(page.headers().location).toMatch(/\/login/);
    // the sign-in page links the manifest, the apple icon and the theme colour
    const login = await (await anonymous.get("/login")).text();
    expect(login).toMatch(/<link rel="manifest" href="\/manifest.webmanifest"/);
    expect(login).toContain('rel="apple-touch-icon" href="/apple-touch-icon.png"');
    expect(login).toContain('name="theme-color"');
  } finally {
    await anonymous.dispose();
  }
});
