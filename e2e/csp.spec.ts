// SECURITY.md row 8: every page carries a Content-Security-Policy with nonce-based scripts and no
// unsafe-eval, the page's own scripts carry that nonce, and a script injected without it never runs.
import { expect, test, uniqueName } from "./fixtures";
import { waitingDraft } from "./helpers";

/** The pages INTERFACES.md lists, with an id or slug of each kind made by this attempt. */
async function everyPage(request: import("@playwright/test").APIRequestContext): Promise<string[]> {
  const client = uniqueName("csp-co");
  const { runId, draftId } = await waitingDraft(request, client, "/csp");
  const pages = ["/", "/clients", `/clients/${client}`, "/pipelines", "/pipelines/site-report", "/runs", `/runs/${runId}`, "/drafts", `/drafts/${draftId}`, "/heartbeats", "/tools", "/settings"];
  // /heartbeats/<slug> exists once the heartbeats API lists one (the heartbeats board is not built yet)
  const heartbeats = await request.get("/api/heartbeats");
  if (heartbeats.ok()) {
    const slug = ((await heartbeats.json()) as { items?: { slug: string }[] }).items?.[0]?.slug;
    if (slug) pages.push(`/heartbeats/${slug}`);
  }
  return pages;
}

function scriptSrc(csp: string): string {
  return csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
}

test("every page sends a CSP with a per-request nonce and no unsafe-eval, and its own scripts carry the nonce", async ({ page, browser }) => {
  const pages = await everyPage(page.request);
  const nonces = new Set<string>();
  for (const path of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp, `CSP of ${path}`).not.toBe("");
    expect(csp, path).not.toContain("unsafe-eval");
    const scripts = scriptSrc(csp);
    expect(scripts, path).not.toContain("'unsafe-inline'");
    const nonce = /'nonce-([^']+)'/.exec(scripts)?.[1] ?? "";
    expect(nonce, `nonce in script-src of ${path}`).not.toBe("");
    nonces.add(nonce);
    // the browser hides the nonce attribute but keeps it as the element's `nonce` property
    // (scripts the nonced runtime loads later need none: 'strict-dynamic' trusts them)
    const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.nonce));
    expect(inline.length, `inline scripts on ${path}`).toBeGreaterThan(0);
    for (const n of inline) expect(n, `an inline script of ${path}`).toBe(nonce);
  }
  expect(nonces.size, "a fresh nonce per response").toBe(pages.length);

  // the sign-in page too, for a visitor without a session
  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await (await visitor.newPage()).goto("/login");
  const csp = login?.headers()["content-security-policy"] ?? "";
  expect(scriptSrc(csp)).toMatch(/'nonce-[^']+'/);
  expect(csp).not.toContain("unsafe-eval");
  await visitor.close();
});

test("an inline script injected without the nonce is blocked and reported as a violation", async ({ page }) => {
  await page.goto("/clients");
  const outcome = await page.evaluate(async () => {
    const w = window as unknown as { __cspRan?: number };
    const violation = new Promise<string>((resolve) => document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true }));
    const script = document.createElement("script");
    script.textContent = "window.__cspRan = 1;";
    document.body.appendChild(script);
    const handler = document.createElement("div");
    handler.innerHTML = '<img src="/favicon.ico?csp" onload="window.__cspRan = 2" onerror="window.__cspRan = 3">';
    document.body.appendChild(handler);
    const directive = await violation;
    return { ran: w.__cspRan ?? null, directive };
  });
  expect(outcome.directive).toMatch(/^script-src/);
  // the inline event handler is blocked too; give it the image's load to prove it
  await expect.poll(() => page.evaluate(() => (document.querySelector('img[src="/favicon.ico?csp"]') as HTMLImageElement | null)?.complete)).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __cspRan?: number }).__cspRan ?? null)).toBeNull();
  expect(outcome.ran).toBeNull();
});
