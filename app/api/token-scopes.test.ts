// Token scopes at the route wrapper: read only reads, run also runs pipelines and decides drafts, admin is
// everything its maker may do. Exercised on the real route handlers with real tokens and database.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRuns, POST as createRun } from "@/app/api/runs/route";
import { POST as cancelRun } from "@/app/api/runs/[id]/cancel/route";
import { POST as approveDraft } from "@/app/api/drafts/[id]/approve/route";
import { POST as createClient } from "@/app/api/clients/route";
import { POST as callTool } from "@/app/api/mcp/servers/[name]/tools/[tool]/route";
import { GET as listServers } from "@/app/api/mcp/servers/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import type { TokenScope } from "@/lib/auth/tokens.schema";
import { prisma } from "@/lib/db/client";

const suffix = Math.random().toString(36).slice(2, 8);
const tokens = {} as Record<TokenScope | "operator-admin", string>;

beforeAll(async () => {
  const admin = await createUser({ email: `scope-admin-${suffix}@example.com`, password: "long-enough-password", role: "admin" }, { label: "test" });
  const operator = await createUser({ email: `scope-op-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
  const actor = { id: admin.id, label: admin.email };
  for (const scope of ["read", "run", "admin"] as const) tokens[scope] = (await createApiToken(admin.id, { name: scope, scope }, actor)).token;
  tokens["operator-admin"] = (await createApiToken(operator.id, { name: "op", scope: "admin" }, actor)).token;
});

function request(method: string, path: string, token: string, body?: unknown) {
  return new Request(`http://localhost:3000${path}`, {
    method,
    headers: { host: "localhost:3000", authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const params = <P>(p: P) => ({ params: Promise.resolve(p) });

describe("token scopes", () => {
  it("every scope reads", async () => {
    for (const scope of ["read", "run", "admin"] as const) {
      expect((await listRuns(request("GET", "/api/runs", tokens[scope]), params({}))).status).toBe(200);
    }
  });

  it("a read token changing anything gets 403, and nothing changes", async () => {
    const before = await prisma.run.count();
    const attempts = [
      createRun(request("POST", "/api/runs", tokens.read, { pipeline: "does-not-exist" }), params({})),
      cancelRun(request("POST", "/api/runs/x/cancel", tokens.read), params({ id: "x" })),
      approveDraft(request("POST", "/api/drafts/x/approve", tokens.read, {}), params({ id: "x" })),
      createClient(request("POST", "/api/clients", tokens.read, { slug: `c-${suffix}`, name: "C" }), params({})),
      callTool(request("POST", "/api/mcp/servers/everything/tools/echo", tokens.read, { arguments: { message: "hi" } }), params({ name: "everything", tool: "echo" })),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/scope \(read\)/);
    }
    expect(await prisma.run.count()).toBe(before);
    expect(await prisma.client.count({ where: { slug: `c-${suffix}` } })).toBe(0);
  });

  it("a run token runs pipelines and decides drafts, but cannot do admin things", async () => {
    // past the scope check: the route's own answer (no such pipeline / run / draft), not 403
    expect((await createRun(request("POST", "/api/runs", tokens.run, { pipeline: "does-not-exist" }), params({}))).status).toBe(404);
    expect((await cancelRun(request("POST", "/api/runs/x/cancel", tokens.run), params({ id: "x" }))).status).toBe(404);
    expect((await approveDraft(request("POST", "/api/drafts/x/approve", tokens.run, {}), params({ id: "x" }))).status).toBe(404);
    expect((await createClient(request("POST", "/api/clients", tokens.run, { slug: `c-${suffix}`, name: "C" }), params({}))).status).toBe(403);
    expect((await callTool(request("POST", "/api/mcp/servers/everything/tools/echo", tokens.run, { arguments: {} }), params({ name: "everything", tool: "echo" }))).status).toBe(403);
    expect((await listServers(request("GET", "/api/mcp/servers?connect=1", tokens.run), params({}))).status).toBe(403);
  });

  it("an admin token does what its admin may; an admin-scoped token of an operator does not", async () => {
    const created = await createClient(request("POST", "/api/clients", tokens.admin, { slug: `c-${suffix}`, name: "C" }), params({}));
    expect(created.status).toBeLessThan(300);
    expect((await createRun(request("POST", "/api/runs", tokens.admin, { pipeline: "does-not-exist" }), params({}))).status).toBe(404);
    const asOperator = await callTool(request("POST", "/api/mcp/servers/everything/tools/echo", tokens["operator-admin"], { arguments: {} }), params({ name: "everything", tool: "echo" }));
    expect(asOperator.status).toBe(403);
  });
});
