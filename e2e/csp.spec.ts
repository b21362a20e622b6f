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
  return (
    csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src")) ?? ""
  );
}

test("every page sends a CSP with a per-request nonce and no unsafe-eval, and its own scripts carry the nonce", async ({ page, browser }) => {
  test.slow(); // a dozen pages, one of them after a run reaches its approval step
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

test("an inline script without the page's nonce is blocked and reported; one with it runs", async ({ page }) => {
  // what a stored XSS would be: script in the served HTML. The response is the server's own, CSP header
  // and all; only scripts are added to its <head>
  await page.route("**/clients", async (route) => {
    const response = await route.fetch();
    const nonce = /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1] ?? "";
    expect(nonce).not.toBe("");
    const injected = [
      "<script>window.__cspRan = (window.__cspRan || []).concat('no nonce')</script>",
      "<script nonce=\"not-the-nonce\">window.__cspRan = (window.__cspRan || []).concat('wrong nonce')</script>",
      `<script nonce="${nonce}">window.__nonceRan = true</script>`,
    ].join("");
    await route.fulfill({ response, body: (await response.text()).replace("</head>", `${injected}</head>`) });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(e.violatedDirective));
  });
  await page.goto("/clients");
  await expect.poll(() => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.filter((d) => d.startsWith("script-src")).length)).toBeGreaterThanOrEqual(2);
  // the control: a script with the right nonce runs, so the two above were stopped by the policy alone
  expect(await page.evaluate(() => (window as unknown as { __nonceRan?: boolean }).__nonceRan)).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __cspRan?: string[] }).__cspRan ?? null)).toBeNull();
});
