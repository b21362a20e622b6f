// Helpers shared by the e2e journeys.
import type { APIRequestContext, Page, Request } from "@playwright/test";
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

/** Creates `client`, runs the demo site-report for it and waits until its review step has opened a draft. */
export async function waitingDraft(request: APIRequestContext, client: string, pageInput: string): Promise<{ runId: string; draftId: string }> {
  await request.post("/api/clients", { data: { slug: client, name: client } });
  const { id: runId } = await (await request.post("/api/runs", { data: { pipeline: "site-report", client, inputs: { page: pageInput } } })).json();
  let draftId = "";
  await expect
    .poll(
      async () => {
        const run = await (await request.get(`/api/runs/${runId}`)).json();
        draftId = run.steps.find((s: { id: string }) => s.id === "review")?.draft?.id ?? "";
        return draftId;
      },
      { timeout: 20_000 },
    )
    .not.toBe("");
  return { runId, draftId };
}

/**
 * Nothing from HOSTILE became an element anywhere on the page: no image, frame or embed it carries, no
 * script with its code, no element with an inline handler, no script or data link. (React never
 * renders on* attributes into the DOM, so any there was injected.)
 */
export async function expectNothingInjected(page: Page) {
  const found = await page.evaluate(() => {
    const hits: string[] = [];
    for (const el of document.querySelectorAll('img[src="x"], iframe, object, embed, svg[onload], a[href^="javascript:" i], a[href^="data:" i]')) hits.push(el.outerHTML.slice(0, 120));
    // the app's own inline scripts carry the CSP nonce (the flight data among them holds the text, escaped)
    for (const s of document.querySelectorAll("script")) if (!s.nonce && /__pwned|alert\(/.test(s.textContent ?? "")) hits.push(`script: ${(s.textContent ?? "").slice(0, 120)}`);
    for (const el of document.querySelectorAll("*")) for (const a of el.attributes) if (a.name.startsWith("on")) hits.push(`${el.tagName} ${a.name}`);
    return hits;
  });
  expect(found).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
}
