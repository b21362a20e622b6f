import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkUrlFor, loadCheckUrls } from "@/lib/mcp/check-urls";
import { loadGlobalServers } from "@/lib/mcp/config";

function workspace(file: unknown): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "check-urls-"));
  fs.writeFileSync(path.join(root, "mcp.json"), JSON.stringify(file));
  return root;
}

describe("check links for an unknown outcome (mcp.json, beside mcpServers)", () => {
  it("expands ${VAR} and keeps the servers' entries exactly in Claude Code's format", () => {
    process.env.CHECK_URLS_TEST_SITE = "https://blog.example.test";
    const root = workspace({
      mcpServers: { wordpress: { command: "node", args: ["wp.js"], env: { WP_PASSWORD: "hunter2-secret" } } },
      switchboard: { servers: { wordpress: { checkUrl: "${CHECK_URLS_TEST_SITE}/wp-admin/edit.php" }, other: {} } },
    });
    expect(loadCheckUrls(root)).toEqual({ urls: { wordpress: "https://blog.example.test/wp-admin/edit.php" }, errors: [] });
    expect(checkUrlFor("wordpress", root)).toBe("https://blog.example.test/wp-admin/edit.php");
    expect(checkUrlFor("other", root)).toBeNull();
    const servers = loadGlobalServers(root);
    expect(servers.fileError).toBeUndefined();
    expect(servers.entries.map((e) => [e.name, e.state])).toEqual([["wordpress", "ok"]]);
  });

  it("refuses a link that is not http(s), names a variable that is not set, or carries a server's secret", () => {
    process.env.CHECK_URLS_TEST_TOKEN = "tok-canary-123456";
    const root = workspace({
      mcpServers: { wp: { type: "http", url: "https://wp.example.test/mcp", headers: { Authorization: "${CHECK_URLS_TEST_TOKEN}" } } },
      switchboard: {
        servers: {
          a: { checkUrl: "javascript:alert(1)" },
          b: { checkUrl: "https://${CHECK_URLS_TEST_UNSET}/x" },
          wp: { checkUrl: "https://wp.example.test/?t=${CHECK_URLS_TEST_TOKEN}" },
        },
      },
    });
    const { urls, errors } = loadCheckUrls(root);
    expect(urls).toEqual({});
    expect(errors).toEqual([
      "mcp.json switchboard.servers.a.checkUrl: must be an http or https URL",
      "mcp.json switchboard.servers.b.checkUrl: ${CHECK_URLS_TEST_UNSET} is not set",
      "mcp.json switchboard.servers.wp.checkUrl: holds a secret of a server's env or headers; it is not shown",
    ]);
  });

  it("builds a link on a site address the server also gets in its env, but not on a URL that carries more", () => {
    process.env.CHECK_URLS_TEST_WP_SITE = "https://client-site.example.test";
    process.env.CHECK_URLS_TEST_HOOK = "https://hooks.example.test/services/T0/B0/canary-hook-secret";
    const root = workspace({
      mcpServers: {
        wordpress: { command: "node", args: ["wp.js"], env: { WORDPRESS_SITE_URL: "${CHECK_URLS_TEST_WP_SITE}" } },
        notify: { command: "node", args: ["n.js"], env: { HOOK_URL: "${CHECK_URLS_TEST_HOOK}" } },
      },
      switchboard: { servers: { wordpress: { checkUrl: "${CHECK_URLS_TEST_WP_SITE}/wp-admin/edit.php" }, notify: { checkUrl: "${CHECK_URLS_TEST_HOOK}/log" } } },
    });
    expect(loadCheckUrls(root)).toEqual({
      urls: { wordpress: "https://client-site.example.test/wp-admin/edit.php" },
      errors: ["mcp.json switchboard.servers.notify.checkUrl: holds a secret of a server's env or headers; it is not shown"],
    });
  });

  it("reports a malformed switchboard section without stopping any server", () => {
    const root = workspace({ mcpServers: { s: { command: "node" } }, switchboard: { servers: { s: { checkUrl: 5, extra: true } } } });
    expect(loadCheckUrls(root).errors[0]).toMatch(/^mcp.json switchboard.servers.s/);
    expect(loadGlobalServers(root).entries.map((e) => e.state)).toEqual(["ok"]);
  });
});
