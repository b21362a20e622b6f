// Helpers shared by the e2e journeys.
import { type Page, type Request } from "@playwright/test";
import { expect, type PageProblems } from "./fixtures";

/** No hostile snippet ran: none set its marker, and no dialog opened on a guarded page (see fixtures.ts). */
export async function expectNoInjectedScript(page: Page, problems: PageProblems) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(problems.errors.filter((e) => e.includes("dialog opened"))).toEqual([]);
}

/** Waits for the next server action POST the page sends, for replaying it. */
export function nextServerAction(page: Page): Promise<Request> {
  return page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
}

export const HOSTILE = [
  "<script>window.__pwned=1;alert(1)</script>",
  '<img src=x onerror="window.__pwned=2;alert(2)">',
  "[click me](javascript:alert(3))",
  '<svg onload="alert(4)"><script>alert(5)</script></svg>',
  '<iframe src="javascript:alert(6)"></iframe>',
  '<a href="data:text/html,<script>alert(7)</script>">data link</a>',
].join("\n\n");

/** Asserts a rendered container holds no executable or embedding element and no script URL. */
export async function expectInert(page: Page, selector: string) {
  const container = page.locator(selector);
  await expect(container).toBeVisible();
  for (const tag of ["script", "iframe", "svg", "object", "embed"]) expect(await container.locator(tag).count()).toBe(0);
  const hrefs = await container.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  for (const h of hrefs) expect(h).not.toMatch(/^\s*(javascript|data|vbscript):/i);
  const onAttrs = await container.evaluate((el) => [...el.querySelectorAll("*")].flatMap((n) => [...n.attributes].map((a) => a.name)).filter((n) => n.startsWith("on")));
  expect(onAttrs).toEqual([]);
}
