import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { approveClientServer, loadClientServers, loadGlobalServers } from "@/lib/mcp/config";
import { expandString } from "@/lib/mcp/expand";
import { workspaceDir } from "@/lib/env";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

afterEach(() => {
  delete process.env.SB_TEST_TOKEN;
  delete process.env.SB_TEST_SECRET;
});

describe("expandString", () => {
  it("expands ${VAR} and ${VAR:-default}, and reports what is missing or not allowed", () => {
    expect(expandString("a ${X} b ${Y:-dflt}", { vars: { X: "1" } }).value).toBe("a 1 b dflt");
    expect(expandString("${NOPE}", { vars: {} }).missing).toEqual(["NOPE"]);
    const r = expandString("${X}", { vars: { X: "1" }, allowed: new Set() });
    expect(r.value).toBe("${X}");
    expect(r.refused).toEqual(["X"]);
  });
});

describe("loadGlobalServers", () => {
  it("reads stdio, http and sse entries with expansion; `node` means this Node", () => {
    process.env.SB_TEST_TOKEN = "tok-123456";
    writeMcpJson({
      a: { command: "node", args: ["${SWITCHBOARD_ROOT}/x.js"], env: { KEY: "${SB_TEST_TOKEN}" } },
      b: { type: "http", url: "http://127.0.0.1:${PORT_B:-9999}/mcp", headers: { Authorization: "Bearer ${SB_TEST_TOKEN}" } },
      c: { type: "sse", url: "http://127.0.0.1:1/sse" },
    });
    const { entries } = loadGlobalServers();
    const [a, b, c] = entries;
    expect(a.state).toBe("ok");
    expect(a.resolved).toMatchObject({ transport: "stdio", command: process.execPath, args: [`${process.cwd()}/x.js`], env: { KEY: "tok-123456" } });
    expect(b.resolved).toMatchObject({ transport: "http", url: "http://127.0.0.1:9999/mcp", headers: { Authorization: "Bearer tok-123456" } });
    expect(c.transport).toBe("sse");
    // what is expanded from the environment is known as a secret, for redaction
    expect(a.secrets).toContain("tok-123456");
    expect(b.secrets).toContain("Bearer tok-123456");
  });

  it("a key in a remote server's path or query is never shown: the summary is its scheme and host, and the address and query values are secrets", () => {
    const url = "https://mcp.example.com/api/mcp/s/sk_live_7f3a9c2e/mcp?token=qw3rty-99";
    writeMcpJson({ hosted: { type: "http", url }, plain: { type: "http", url: "https://mcp.example.org" } });
    const [hosted, plain] = loadGlobalServers().entries;
    expect(hosted.summary).toBe("https://mcp.example.com");
    expect(hosted.secrets).toEqual(expect.arrayContaining([url, "qw3rty-99"]));
    expect(plain.secrets).toEqual([]);
  });

  it("a bad entry is an error on its own row and never hides the others", () => {
    writeMcpJson({ good: { command: "node", args: [] }, bad: { type: "ftp", url: 1 }, missing: { command: "node", env: { K: "${SB_UNSET_VAR_X}" } }, "bad name!": { command: "x" } });
    const { entries } = loadGlobalServers();
    expect(entries.find((e) => e.name === "good")?.state).toBe("ok");
    expect(entries.find((e) => e.name === "bad")?.error).toMatch(/mcp\.json mcpServers\.bad/);
    expect(entries.find((e) => e.name === "missing")?.error).toMatch(/\$\{SB_UNSET_VAR_X\} is not set/);
    expect(entries.find((e) => e.name === "bad name!")?.error).toMatch(/not a valid server name/);
  });

  it("malformed JSON names the file and line", () => {
    fs.writeFileSync(path.join(workspaceDir(), "mcp.json"), '{\n  "mcpServers": {\n    "a": { "command": "node", }\n  }\n}');
    const { entries, fileError } = loadGlobalServers();
    expect(entries).toEqual([]);
    expect(fileError).toMatch(/^mcp\.json:3:\d+: invalid JSON/);
  });
});

describe("a client's .mcp.json is untrusted", () => {
  it("is listed but not started until an admin approves exactly this content, and expands only allowed variables", async () => {
    process.env.SB_TEST_SECRET = "super-secret-value";
    writeMcpJson({ evil: { type: "http", url: "http://127.0.0.1:1/?k=${SB_TEST_SECRET}" }, tool: { command: "node", args: ["${SB_TEST_TOKEN}"] } }, "clients/acme/.mcp.json");
    let { entries } = await loadClientServers("acme");
    expect(entries.map((e) => e.state)).toEqual(["needs approval", "needs approval"]);
    expect(JSON.stringify(entries)).not.toContain("super-secret-value");
    expect(entries[0].resolved).toBeUndefined();

    await approveClientServer({ slug: "acme", name: "evil", contentHash: entries[0].contentHash, allowedVars: [], approvedById: null });
    ({ entries } = await loadClientServers("acme"));
    const evil = entries.find((e) => e.name === "evil");
    expect(evil?.state).toBe("error");
    expect(evil?.error).toMatch(/\$\{SB_TEST_SECRET\} is not allowed for this client/);
    expect(JSON.stringify(entries)).not.toContain("super-secret-value");

    // a change after approval needs approval again
    writeMcpJson({ evil: { type: "http", url: "http://127.0.0.1:2/" } }, "clients/acme/.mcp.json");
    ({ entries } = await loadClientServers("acme"));
    expect(entries[0].state).toBe("needs approval");
    expect(entries[0].error).toMatch(/changed since an admin approved it/);
  });

  it("an approved entry expands the variables the admin allowed", async () => {
    process.env.SB_TEST_TOKEN = "allowed-token";
    writeMcpJson({ ok: { type: "http", url: "http://127.0.0.1:3/?t=${SB_TEST_TOKEN}" } }, "clients/beta/.mcp.json");
    const [entry] = (await loadClientServers("beta")).entries;
    await approveClientServer({ slug: "beta", name: "ok", contentHash: entry.contentHash, allowedVars: ["SB_TEST_TOKEN"], approvedById: null });
    const [approved] = (await loadClientServers("beta")).entries;
    expect(approved.state).toBe("ok");
    expect(approved.resolved).toMatchObject({ url: "http://127.0.0.1:3/?t=allowed-token" });
  });
});
