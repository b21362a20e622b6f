// SECURITY.md row 15 (and row 2 for a signed-in user of the wrong role): an operator who replays the
// admin's own server action requests (captured from the admin's browser with their action ids) is
// refused and nothing changes; the same requests with the admin's cookie do work, so the refusal is
// the role check. A sweep over every action the build holds makes a new admin action refused by default.
import { request as playwrightRequest, type APIRequestContext, type BrowserContext, type Page, type Request } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { adminState, expect, test, uniqueName, workspace } from "./fixtures";

type Captured = { url: string; headers: Record<string, string>; body: string };
const REFUSED = "Only an admin can do that";

/** Server actions an operator may call (SECURITY.md: run pipelines, review drafts, manage clients, runs). */
const OPERATOR_MAY = new Set([
  "createClientAction",
  "updateClientAction",
  "archiveClientAction",
  "saveMemoryAction",
  "approveDraftAction",
  "rejectDraftAction",
  "saveDraftAction",
  "runPipelineAction",
  "cancelRunAction",
  "retryRunAction",
  "rerunRunAction",
  "resolveOutcomeAction",
  "answerInputAction", // a tool's question in a run: whoever runs the day answers it, as POST /api/runs/<id>/input (scope run)
  "preflightAction",
  "pauseHeartbeatAction",
  "resumeHeartbeatAction",
  "runHeartbeatNowAction",
  // a person's own notifications: each acts on the caller's own rows only (lib/notify/preferences.ts,
  // stored-channels.ts; app/(app)/settings/my-notification-actions.test.ts refuses another person's)
  "savePreferencesAction",
  "addPersonalChannelAction",
  "deletePersonalChannelAction",
  "enablePushAction",
  "disablePushAction",
  "sendPersonalTestAction",
  "createFirstAdminAction", // public, and refuses once an admin exists
]);

function keep(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => ["next-action", "content-type", "accept", "next-router-state-tree", "origin"].includes(k)));
}

/** An admin browser whose server action requests are recorded and stopped before they reach the server. */
async function interceptingAdmin(browser: import("@playwright/test").Browser): Promise<{ context: BrowserContext; page: Page; next: () => Promise<Captured> }> {
  const context = await browser.newContext({ storageState: adminState() });
  const queue: Captured[] = [];
  // reads a page makes by itself as it renders (the runners card on /settings) are not the admin's doing
  const onRender = new Set(
    buildActions()
      .filter((a) => a.name === "runnerStatusesAction")
      .map((a) => a.id),
  );
  await context.route("**/*", async (route) => {
    const r: Request = route.request();
    const action = r.headers()["next-action"];
    if (r.method() === "POST" && action && !onRender.has(action)) {
      queue.push({ url: r.url(), headers: keep(r.headers()), body: r.postData() ?? "" });
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  const next = async () => {
    await expect.poll(() => queue.length, { message: "the admin's browser to send a server action" }).toBeGreaterThan(0);
    return queue.shift() as Captured;
  };
  return { context, page, next };
}

async function replay(api: APIRequestContext, c: Captured): Promise<string> {
  const res = await api.post(c.url, { headers: c.headers, data: c.body });
  expect(res.status()).toBeLessThan(500);
  return res.text();
}

/** Action ids of this build by exported name, with the page that serves each (Next's own manifest). */
function buildActions(): { id: string; name: string; page: string }[] {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "..", ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, v]) => {
    const worker = Object.keys(v.workers)[0] ?? "app/page";
    const page =
      worker
        .replace(/^app/, "")
        .replace(/\/page$/, "")
        .replace(/\/\([^)]+\)/g, "")
        .replace(/\[[^\]]+\]/g, "x") || "/";
    return { id, name: v.exportedName ?? id, page };
  });
}

test("an operator replaying the admin's server actions is refused every time and changes nothing", async ({ page, browser, baseURL }) => {
  test.slow(); // three browsers, a dozen actions and their replays
  // the operator, made through the admin UI
  const email = `${uniqueName("replayer")}@e2e.test`;
  await page.goto("/settings");
  const userForm = page.getByRole("form", { name: "New user" });
  await userForm.getByLabel("Email").fill(email);
  await userForm.getByLabel("Password").fill("operator-password-1");
  await userForm.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Added ${email}.`)).toBeVisible();
  const opContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const op = await opContext.newPage();
  await op.goto("/login");
  await op.getByLabel("Email").fill(email);
  await op.getByLabel("Password").fill("operator-password-1");
  await op.getByRole("button", { name: "Sign in" }).click();
  await expect(op.getByTestId("signed-in-user")).toHaveText(email);

  // a token the replays try to revoke, and a client server entry they try to approve
  const tokenName = uniqueName("replay target");
  await page.getByLabel("Token name").fill(tokenName);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  const bearer = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const client = uniqueName("replay-co");
  const serverName = uniqueName("pending");
  expect((await page.request.post("/api/clients", { data: { slug: client, name: client } })).status()).toBe(201);
  fs.writeFileSync(path.join(workspace(), "clients", client, ".mcp.json"), JSON.stringify({ mcpServers: { [serverName]: { command: "node", args: ["-e", "process.exit(3)"] } } }));
  const pendingStatus = async () => ((await (await page.request.get("/api/mcp/servers")).json()) as { items: { name: string; status: string }[] }).items.find((s) => s.name === serverName)?.status;
  expect(await pendingStatus()).toBe("needs approval");

  // the admin does each thing in a browser whose requests are recorded and stopped
  const admin = await interceptingAdmin(browser);
  const newAdminEmail = `${uniqueName("smuggled-admin")}@e2e.test`;
  await admin.page.goto("/settings");
  const adminUserForm = admin.page.getByRole("form", { name: "New user" });
  await adminUserForm.getByLabel("Email").fill(newAdminEmail);
  await adminUserForm.getByLabel("Password").fill("admin-password-22");
  await adminUserForm.getByLabel("Role").selectOption("admin");
  await adminUserForm.getByRole("button", { name: "Add user" }).click();
  const createUser = await admin.next();
  const smuggledToken = uniqueName("smuggled token");
  await admin.page.getByLabel("Token name").fill(smuggledToken);
  await admin.page.getByRole("button", { name: "Create token" }).click();
  const createToken = await admin.next();
  await admin.page
    .getByRole("row", { name: new RegExp(tokenName) })
    .getByRole("button", { name: "Revoke" })
    .click();
  await admin.page.getByRole("button", { name: "Revoke token" }).click();
  const revokeToken = await admin.next();
  const message = uniqueName("replayed echo");
  await admin.page.goto("/tools");
  // servers are folded until opened
  await admin.page.getByRole("region", { name: "Server everything" }).getByRole("button", { name: "everything", exact: true }).click();
  await admin.page.getByRole("region", { name: "Server everything" }).getByRole("button", { name: "echo", exact: true }).click();
  const callForm = admin.page.getByRole("form", { name: "Call echo" });
  await callForm.getByRole("textbox", { name: /^message/ }).fill(message);
  await callForm.getByRole("button", { name: "Call" }).click();
  const callTool = await admin.next();
  await admin.page
    .getByRole("region", { name: `Server ${serverName}` })
    .getByRole("button", { name: "Approve this entry" })
    .click();
  const approveServer = await admin.next();
  await admin.context.close();

  // the operator replays each: refused, and nothing changed
  const captured = { createUser, createToken, revokeToken, callTool, approveServer };
  for (const [what, c] of Object.entries(captured)) expect(await replay(op.request, c), what).toContain(REFUSED);
  await page.goto("/settings");
  await expect(page.getByRole("main")).not.toContainText(newAdminEmail);
  await expect(page.getByRole("main")).not.toContainText(smuggledToken);
  expect((await bearer.get("/api/clients")).status(), "the token survived the replayed revoke").toBe(200);
  expect(await pendingStatus()).toBe("needs approval");
  const adhoc = (await (await page.request.get("/api/runs?pipeline=adhoc&limit=50")).json()) as { items: { id: string }[] };
  for (const { id } of adhoc.items) expect(await (await page.request.get(`/api/runs/${id}`)).text()).not.toContain(message);

  // the same requests with the admin's cookie work: what refused the operator was the role check
  expect(await replay(page.request, createUser)).not.toContain(REFUSED);
  await page.goto("/settings");
  await expect(page.getByRole("main")).toContainText(newAdminEmail);
  expect(await replay(page.request, revokeToken)).not.toContain(REFUSED);
  expect((await bearer.get("/api/clients")).status()).toBe(401);

  // every other action of the build that is not an operator's: refused before its input is even read
  const sweep = buildActions().filter((a) => !OPERATOR_MAY.has(a.name));
  expect(sweep.map((a) => a.name)).toEqual(expect.arrayContaining(["acceptToolChangeAction", "approveServerAction", "callToolAction", "createTokenAction", "createUserAction", "revokeTokenAction"]));
  for (const action of sweep) {
    const text = await replay(op.request, { url: new URL(action.page, baseURL).toString(), headers: { ...createUser.headers, "next-action": action.id }, body: "[{}]" });
    expect(text, action.name).toContain(REFUSED);
  }
  const accept = buildActions().find((a) => a.name === "acceptToolChangeAction");
  const acceptReplay = await replay(op.request, {
    url: new URL("/tools", baseURL).toString(),
    headers: { ...createUser.headers, "next-action": accept?.id ?? "" },
    body: JSON.stringify([{ scope: "global", server: "everything", tool: "echo" }]),
  });
  expect(acceptReplay).toContain(REFUSED);

  await bearer.dispose();
  await opContext.close();
});
