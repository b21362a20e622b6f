import { request as playwrightRequest } from "@playwright/test";
import { encode } from "next-auth/jwt";
import fs from "node:fs";
import http from "node:http";
import { ADMIN, adminState, expect, test, uniqueName } from "./fixtures";

test.use({ storageState: { cookies: [], origins: [] } });

const PAGES = ["/", "/clients", "/clients/acme", "/pipelines", "/pipelines/site-report", "/runs", "/runs/compare?a=x&b=y", "/drafts", "/heartbeats", "/tools", "/settings"];

test("every page without a session redirects to sign-in", async ({ page }) => {
  test.slow(); // ten page loads, the first ones while the server warms up
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page, `page ${path}`).toHaveURL(/\/login/);
  }
});

test("every API route without a session is a 401 JSON error; health is public", async ({ request }) => {
  const calls: [string, string, unknown?][] = [
    ["GET", "/api/clients"],
    ["POST", "/api/clients", { slug: "nope", name: "Nope" }],
    ["GET", "/api/clients/acme"],
    ["GET", "/api/pipelines"],
    ["GET", "/api/runs"],
    ["POST", "/api/runs", { pipeline: "echo-check" }],
    ["GET", "/api/runs/x"],
    ["POST", "/api/runs/x/cancel"],
    ["POST", "/api/runs/x/retry"],
    ["POST", "/api/runs/x/rerun", { runner: "openai" }],
    ["GET", "/api/drafts"],
    ["GET", "/api/drafts/x"],
    ["PUT", "/api/drafts/x", { body: "x" }],
    ["POST", "/api/drafts/x/approve", {}],
    ["POST", "/api/drafts/x/reject", { note: "n" }],
    ["GET", "/api/mcp/servers"],
    ["POST", "/api/mcp/servers/everything/tools/echo", { arguments: { message: "x" } }],
    ["GET", "/api/notifications"],
  ];
  for (const [method, url, data] of calls) {
    const res = await request.fetch(url, { method, data });
    expect(res.status(), `${method} ${url}`).toBe(401);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/Unauthorized/) });
  }
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, db: "ok", worker: "running" });
});

test("the x-middleware-subrequest bypass header changes nothing", async ({ request }) => {
  for (const value of ["middleware", "middleware:middleware:middleware:middleware:middleware", "proxy:proxy:proxy:proxy:proxy", "src/middleware"]) {
    const api = await request.get("/api/clients", { headers: { "x-middleware-subrequest": value } });
    expect(api.status()).toBe(401);
    const page = await request.get("/clients", { headers: { "x-middleware-subrequest": value }, maxRedirects: 0 });
    expect([302, 303, 307, 308]).toContain(page.status());
    expect(page.headers().location).toMatch(/\/login/);
  }
});

test("a foreign Host header (DNS rebinding) is refused", async ({ baseURL }) => {
  const url = new URL("/api/health", baseURL);
  const status = await new Promise<number>((resolve, reject) => {
    http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: "attacker.example" } }, (res) => resolve(res.statusCode ?? 0)).on("error", reject);
  });
  expect(status).toBe(403);
});

test("a forged Authorization header is a 401 revealing nothing", async ({ request }) => {
  for (const auth of ["Bearer sb_wrong", "Bearer " + "x".repeat(500), "Basic abc", "Bearer"]) {
    const res = await request.get("/api/clients", { headers: { Authorization: auth } });
    expect(res.status()).toBe(401);
    expect(Object.keys(await res.json())).toEqual(["error"]);
  }
});

test("a server action replayed without a session changes nothing", async ({ browser, baseURL, pageProblems }) => {
  // record a real "create client" server action as the admin
  const recorded = uniqueName("recorded-action");
  const [noSession, withSession] = [uniqueName("replayed-no-session"), uniqueName("replayed-with-session")];
  const admin = await browser.newContext({ storageState: adminState() });
  pageProblems.watchContext(admin);
  const page = await admin.newPage();
  await page.goto("/clients");
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByLabel("Name").fill(recorded);
  const sent = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await page.getByRole("button", { name: "Create client" }).click();
  const action = await sent;
  await page.waitForURL(new RegExp(`/clients/${recorded}$`));

  // replay it with no cookie, for a new slug
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const body = (action.postData() ?? "").replaceAll(recorded, noSession);
  const headers = Object.fromEntries(Object.entries(action.headers()).filter(([k]) => ["next-action", "content-type", "accept", "next-router-state-tree", "origin"].includes(k)));
  const replay = await anonymous.post(action.url(), { headers, data: body });
  expect(replay.status()).toBeLessThan(500);
  const check = await page.request.get(`/api/clients/${noSession}`);
  expect(check.status()).toBe(404);
  // the same replay with the admin's cookie does create it: the refusal above is the session check
  const replayed = await page.request.post(action.url(), { headers, data: body.replaceAll(noSession, withSession) });
  expect(replayed.status()).toBe(200);
  expect((await page.request.get(`/api/clients/${withSession}`)).status()).toBe(200);
  await anonymous.dispose();
  await admin.close();
});

test("a forged or tampered session cookie is refused by the page's own check: sign-in, no data", async ({ browser, baseURL }) => {
  test.slow(); // every page, three times
  const real = (JSON.parse(fs.readFileSync(adminState(), "utf8")) as { cookies: { name: string; value: string }[] }).cookies.find((c) => c.name.endsWith("next-auth.session-token"));
  expect(real, "the admin's session cookie").toBeTruthy();
  const middle = Math.floor((real?.value.length ?? 0) / 2);
  const flipped = (real?.value ?? "").slice(0, middle) + ((real?.value ?? "")[middle] === "A" ? "B" : "A") + (real?.value ?? "").slice(middle + 1);
  const forged: Record<string, string> = {
    // a well-formed next-auth token for the admin's email, encrypted with another secret
    "wrong secret": await encode({ token: { sub: "admin", email: ADMIN.email, name: "Admin", role: "admin" }, secret: "not-the-secret-of-this-install", maxAge: 3600 }),
    tampered: flipped,
    "unsigned JWT": `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "admin", email: ADMIN.email })).toString("base64url")}.`,
  };
  const host = new URL(baseURL ?? "").hostname;
  for (const [kind, value] of Object.entries(forged)) {
    const context = await browser.newContext({
      storageState: { cookies: [{ name: "next-auth.session-token", value, domain: host, path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] },
    });
    for (const path of PAGES) {
      // the proxy lets a request with a session cookie through; the page itself must say no. Its
      // redirect goes to plain /login (the proxy's would carry ?next=)
      const res = await context.request.get(path, { maxRedirects: 0 });
      const html = await res.text();
      if (res.status() >= 300 && res.status() < 400) expect(new URL(res.headers().location ?? "", baseURL).href, `${kind} cookie, ${path}`).toBe(new URL("/login", baseURL).href);
      else expect(html, `${kind} cookie, ${path}`).toContain("NEXT_REDIRECT");
      expect(html, `${kind} cookie, ${path}`).not.toContain("Acme Plumbing");
      expect(html, `${kind} cookie, ${path}`).not.toContain(ADMIN.email);
    }
    const page = await context.newPage();
    await page.goto("/clients");
    await expect(page, `${kind} cookie in the browser`).toHaveURL(/\/login$/);
    expect((await context.request.get("/api/clients")).status(), `${kind} cookie, API`).toBe(401);
    await context.close();
  }
});
