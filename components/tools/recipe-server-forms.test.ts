// Every tool of each recipe server gets a call form: the real servers from node_modules are started
// through the pool (with dummy local settings, so they start offline), their tools listed as /tools
// lists them, and each tool's form is built and rendered. A tool whose schema (or part of it) the form
// cannot express falls back to JSON; how many do is printed. Add a server to SERVERS to cover it.
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchemaForm } from "@/components/tools/schema-form";
import { getMcpPool } from "@/lib/mcp/pool";
import { listServers, type ServerInfo } from "@/lib/mcp/servers";
import { buildFormModel, type FieldModel } from "@/lib/mcp/schema-form";
import { formArguments, initialFormValue } from "@/lib/mcp/schema-form-values";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

type ServerUnderTest = { name: string; entry: string; args?: string[]; env?: Record<string, string>; minTools: number };

const modules = (p: string) => path.resolve("node_modules", p);

/** The recipe servers. Each starts with node from node_modules; env holds placeholders, never real credentials. */
const SERVERS: ServerUnderTest[] = [
  // its API address is built in; listing tools needs no network, only the two variables present
  { name: "dataforseo", entry: modules("dataforseo-mcp-server/dist/index.js"), env: { DATAFORSEO_USERNAME: "offline@example.test", DATAFORSEO_PASSWORD: "offline-password" }, minTools: 4 },
  { name: "firecrawl", entry: modules("firecrawl-mcp/dist/index.js"), env: { FIRECRAWL_API_URL: "http://127.0.0.1:9", FIRECRAWL_API_KEY: "fc-offline" }, minTools: 20 },
  // an application password must be at least 8 characters; plain-HTTP loopback must be allowed
  {
    name: "wordpress",
    entry: modules("mcp-wordpress/dist/index.js"),
    env: { WORDPRESS_SITE_URL: "http://127.0.0.1:9", WORDPRESS_USERNAME: "offline", WORDPRESS_APP_PASSWORD: "abcd efgh ijkl mnop", ALLOW_INSECURE_HTTP: "true", ALLOW_PRIVATE_URLS: "true" },
    minTools: 71,
  },
  // listing tools does not launch the browser
  { name: "playwright", entry: modules("@playwright/mcp/cli.js"), args: ["--headless", "--isolated", "--no-sandbox", "--executable-path", "/usr/bin/chromium", "--browser", "chromium"], minTools: 20 },
  // the project's own servers for APIs npm has no MCP server for; they start without their API reachable
  { name: "cloudflare", entry: path.resolve("recipes/servers/cloudflare/server.mjs"), env: { CLOUDFLARE_API_TOKEN: "cf-offline", CLOUDFLARE_API_BASE_URL: "http://127.0.0.1:9" }, minTools: 1 },
  { name: "freescout", entry: path.resolve("recipes/servers/freescout/server.mjs"), env: { FREESCOUT_URL: "http://127.0.0.1:9", FREESCOUT_API_KEY: "fs-offline" }, minTools: 4 },
];

function countKinds(field: FieldModel, counts: Record<string, number>) {
  counts[field.kind] = (counts[field.kind] ?? 0) + 1;
  if (field.kind === "object") for (const f of field.fields) countKinds(f.field, counts);
  if (field.kind === "array") countKinds(field.item, counts);
  if (field.kind === "variants") for (const v of field.variants) countKinds(v.field, counts);
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

let listed: ServerInfo[] = [];

beforeAll(async () => {
  writeMcpJson(Object.fromEntries(SERVERS.map((s) => [s.name, { command: "node", args: [s.entry, ...(s.args ?? [])], env: s.env ?? {} }])));
  const pool = getMcpPool();
  // started one after another: six servers at once on a busy two-core machine starve each other
  for (const s of SERVERS) await pool.tools(await pool.resolve(s.name));
  listed = (await listServers({}, pool)).servers;
}, 180_000);

afterAll(() => getMcpPool().shutdown());

describe("call forms for every tool of the recipe servers", () => {
  for (const s of SERVERS) {
    it(`${s.name}: every tool's form builds and renders`, () => {
      const server = listed.find((l) => l.name === s.name);
      expect(server?.status, server?.error ?? "").toBe("connected");
      const tools = server?.tools ?? [];
      expect(tools.length).toBeGreaterThanOrEqual(s.minTools);
      const kinds: Record<string, number> = {};
      const jsonTools: string[] = [];
      for (const tool of tools) {
        const model = buildFormModel(tool.inputSchema);
        countKinds(model.root, kinds);
        if (model.jsonFieldCount > 0) jsonTools.push(tool.name);
        const value = initialFormValue(model.root);
        const markup = renderToStaticMarkup(createElement(SchemaForm, { root: model.root, value, onChange: () => undefined, idPrefix: `${s.name}-${tool.name}` }));
        expect(markup.length, tool.name).toBeGreaterThan(0);
        // every top-level argument has its field, labelled with its name
        if (model.root.kind === "object") for (const f of model.root.fields) expect(markup, `${tool.name}.${f.key}`).toContain(escapeHtml(f.field.label));
        else expect(markup, tool.name).toContain('aria-label="Schema"');
        // the untouched form turns into arguments (the defaults, nothing empty)
        const args = formArguments(model.root, value);
        expect(args.ok, `${tool.name}: ${JSON.stringify(args)}`).toBe(true);
      }
      console.info(`${s.name}: ${tools.length} tools; ${jsonTools.length} with a part edited as JSON${jsonTools.length ? ` (${jsonTools.join(", ")})` : ""}; fields by kind ${JSON.stringify(kinds)}`);
      // the forms are forms: JSON is the exception, not the rule
      expect(jsonTools.length).toBeLessThan(tools.length / 2);
    });
  }
});
