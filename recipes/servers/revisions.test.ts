// The recipe servers (v2 server package, serveStdio) answer both protocol revisions over stdio: a client
// of 2026-07-28 (the v2 client pinned to it: server/discover, the _meta envelope, no initialize) and a
// client of 2025-11-25 (the v1 SDK's client, as Claude Code and Codex speak it today) list the same tools
// with the same schemas and annotations, and a call answers on both (here: the clear error each server
// gives without its settings, so no outside service is needed).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client as ModernClient } from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";

const MODERN = "2026-07-28";
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "recipe-revisions-"));

type Case = { server: string; args?: string[]; tools: string[]; call: { name: string; arguments: Record<string, unknown> }; error: RegExp };
const CASES: Case[] = [
  {
    server: "cloudflare",
    tools: ["purge_cache"],
    call: { name: "purge_cache", arguments: { zone_id: "0123456789abcdef0123456789abcdef", everything: true } },
    error: /CLOUDFLARE_API_TOKEN is not set/,
  },
  { server: "freescout", tools: ["add_note", "create_reply", "get_conversation", "list_conversations"], call: { name: "get_conversation", arguments: { conversation_id: 7 } }, error: /FREESCOUT_URL is not set/ },
  { server: "time-log", args: [workspace], tools: ["write_time_log"], call: { name: "write_time_log", arguments: { day: "today" } }, error: /SWITCHBOARD_URL must be/ },
];

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
});

const textOf = (r: object) => (((r as { content?: unknown }).content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? "").join("\n");

describe("the recipe servers serve both protocol revisions", { timeout: 60_000 }, () => {
  for (const c of CASES) {
    it(`${c.server}: a 2026-07-28 client and a 2025-11-25 client list the same tools and get the same answer`, async () => {
      const entry = { command: process.execPath, args: [path.resolve(`recipes/servers/${c.server}/server.mjs`), ...(c.args ?? [])] };

      const modern = new ModernClient({ name: `revisions-${c.server}`, version: "1.0.0" }, { versionNegotiation: { mode: { pin: MODERN } } });
      closers.push(() => modern.close());
      await modern.connect(new ModernStdioClientTransport({ ...entry, env: getDefaultEnvironment() /* none of the servers' settings */ }));
      expect([modern.getProtocolEra(), modern.getNegotiatedProtocolVersion()]).toEqual(["modern", MODERN]);

      const legacy = new Client({ name: `revisions-${c.server}-2025`, version: "1.0.0" });
      closers.push(() => legacy.close());
      await legacy.connect(new StdioClientTransport({ ...entry, env: getDefaultEnvironment() /* none of the servers' settings */ }));
      expect(legacy.getServerVersion()?.name).toBe(modern.getServerVersion()?.name);

      const modernTools = (await modern.listTools()).tools;
      const legacyTools = (await legacy.listTools()).tools;
      expect(modernTools.map((t) => t.name).sort()).toEqual(c.tools);
      const shape = (tools: { name: string; inputSchema: unknown; annotations?: unknown }[]) => tools.map((t) => ({ name: t.name, inputSchema: t.inputSchema, annotations: t.annotations }));
      expect(shape(modernTools)).toEqual(shape(legacyTools));

      const modernResult = await modern.callTool(c.call);
      const legacyResult = await legacy.callTool(c.call);
      expect([modernResult.isError, legacyResult.isError]).toEqual([true, true]);
      expect(textOf(modernResult)).toMatch(c.error);
      expect(textOf(legacyResult)).toBe(textOf(modernResult));
    });
  }

  it("each server type-checks as the // @ts-check it declares, against the v2 server package's types", async () => {
    const tsc = path.resolve("node_modules/typescript/bin/tsc");
    const flags = ["--ignoreConfig", "--noEmit", "--allowJs", "--checkJs", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"];
    const files = CASES.map((c) => path.resolve(`recipes/servers/${c.server}/server.mjs`));
    for (const file of files) expect(fs.readFileSync(file, "utf8")).toMatch(/^(#!.*\n)?\/\/ @ts-check$/m);
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, ...flags, ...files]);
    expect(stdout).toBe("");
  });
});
