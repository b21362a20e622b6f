// Reviewing a client's .mcp.json: an admin sees each entry awaiting approval whole (no silent cut), with
// env and header values masked until an explicit reveal; an entry over 16 KB is refused with an error
// naming the file and entry; operators and read or run tokens never receive the review; approval binds
// the full content's hash. Real files in the test workspace, real SQLite, the real route handler.
import { afterAll, describe, expect, it } from "vitest";
import { GET as serversRoute } from "@/app/api/mcp/servers/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { canonicalHash } from "@/lib/mcp/canonical-hash";
import { loadClientServers, MASKED_VALUE } from "@/lib/mcp/config";
import { getMcpPool } from "@/lib/mcp/pool";
import { approveClientServerEntry, listMcpServers, revealClientServerEntry } from "@/lib/mcp/servers";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

const suffix = Math.random().toString(36).slice(2, 8);
const slug = `review-${suffix}`;
const source = `clients/${slug}/.mcp.json`;
const ENV_CANARY = `env-canary-${suffix}-0000`;
const HEADER_CANARY = `header-canary-${suffix}-0000`;
const ADMIN = { id: null, label: "admin@test" };
// past the old 8,000-character cut: what came after it was approved unseen
const longArgs = Array.from({ length: 300 }, (_, i) => `--flag-${i}=value-${i}-${"x".repeat(12)}`);
const stdio = { command: "node", args: longArgs, env: { API_TOKEN: ENV_CANARY, NESTED: "${ACME_TOKEN}" } };
const http = { type: "http", url: "https://mcp.example.com/mcp", headers: { Authorization: `Bearer ${HEADER_CANARY}` } };
const big = { command: "node", args: Array.from({ length: 590 }, (_, i) => `--padding-${i}-${"y".repeat(12)}`) };

afterAll(async () => {
  await getMcpPool().shutdown();
});

describe("a client's .mcp.json under review", () => {
  it("refuses an entry over 16 KB, naming the file and entry; reviews another whole with env and header values masked; approval binds the full content", async () => {
    writeMcpJson({ stdio, http, big }, source);
    const bigKb = Math.ceil(Buffer.byteLength(JSON.stringify(big, null, 2)) / 1024);
    expect(bigKb).toBe(20);
    const { entries } = await loadClientServers(slug);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));

    expect(byName.big).toMatchObject({ state: "error", error: `${source} mcpServers.big is ${bigKb} KB; an entry may be at most 16 KB, so it is refused (never started or approved): shorten it` });
    expect(byName.big.review).toBeUndefined();
    await expect(approveClientServerEntry({ slug, name: "big", contentHash: byName.big.contentHash, allowedVars: [] }, ADMIN)).rejects.toThrow(`${source} mcpServers.big is ${bigKb} KB`);

    // the whole entry, every argument of it, env and header names kept and their values masked
    expect(byName.stdio.state).toBe("needs approval");
    const review = byName.stdio.review ?? "";
    expect(review.length).toBeGreaterThan(8_000);
    expect(JSON.parse(review)).toEqual({ ...stdio, env: { API_TOKEN: MASKED_VALUE, NESTED: MASKED_VALUE } });
    expect(JSON.parse(byName.http.review ?? "{}")).toEqual({ ...http, headers: { Authorization: MASKED_VALUE } });
    expect(review + byName.http.review).not.toContain("canary");

    // an admin's explicit reveal shows the values, for the entry as loaded only
    const revealed = await revealClientServerEntry({ slug, name: "stdio", contentHash: byName.stdio.contentHash }, ADMIN);
    expect(JSON.parse(revealed.review)).toEqual(stdio);
    await expect(revealClientServerEntry({ slug, name: "stdio", contentHash: canonicalHash({}) }, ADMIN)).rejects.toThrow(/changed since you loaded the page/);

    // approval binds the full content: a change past the old 8,000-character cut needs approval again
    await approveClientServerEntry({ slug, name: "stdio", contentHash: byName.stdio.contentHash, allowedVars: [] }, ADMIN);
    expect((await loadClientServers(slug)).entries.find((e) => e.name === "stdio")?.state).not.toBe("needs approval");
    writeMcpJson({ stdio: { ...stdio, args: [...longArgs.slice(0, -1), "--flag-299=evil"] }, http, big }, source);
    expect((await loadClientServers(slug)).entries.find((e) => e.name === "stdio")?.state).toBe("needs approval");
  });

  it("sends the review to admins only: never to operators, read or run tokens, nor an admin's run-scope token", async () => {
    // another client: the first test approved its own "stdio"
    const other = `review-other-${suffix}`;
    writeMcpJson({ stdio, http }, `clients/${other}/.mcp.json`);
    const reviewsOf = (listing: Awaited<ReturnType<typeof listMcpServers>>) => listing.servers.filter((s) => s.scope === other).map((s) => [s.name, s.review !== null]);
    expect(reviewsOf(await listMcpServers(false, { role: "admin" }))).toEqual([
      ["stdio", true],
      ["http", true],
    ]);
    expect(reviewsOf(await listMcpServers(false, { role: "operator" }))).toEqual([
      ["stdio", false],
      ["http", false],
    ]);

    const admin = await createUser({ email: `review-admin-${suffix}@example.com`, password: "long-enough-password", role: "admin" }, { label: "test" });
    const operator = await createUser({ email: `review-op-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
    const get = async (user: { id: string; email: string }, scope: "read" | "run" | "admin") => {
      const { token } = await createApiToken(user.id, { name: scope, scope }, { id: user.id, label: user.email });
      const response = await serversRoute(new Request("http://localhost:3000/api/mcp/servers", { headers: { host: "localhost:3000", authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
      expect(response.status).toBe(200);
      return (await response.json()) as { items: { scope: string; name: string; review: string | null }[] };
    };
    for (const [user, scope] of [
      [operator, "read"],
      [operator, "run"],
      [admin, "read"],
      [admin, "run"],
    ] as const) {
      const body = await get(user, scope);
      expect(body.items.filter((s) => s.scope === other).map((s) => s.review)).toEqual([null, null]);
      expect(JSON.stringify(body)).not.toContain("API_TOKEN");
    }
    const adminBody = await get(admin, "admin");
    expect(adminBody.items.filter((s) => s.scope === other).map((s) => s.review !== null)).toEqual([true, true]);
    expect(JSON.stringify(adminBody)).not.toContain("canary");
  });
});
