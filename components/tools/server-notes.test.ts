// The /tools note for drop-in entries, rendered from what the real listing says about a real file.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import { ServerNotes } from "@/components/tools/server-notes";
import { getMcpPool } from "@/lib/mcp/pool";
import { listMcpServers } from "@/lib/mcp/servers";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";

afterAll(() => getMcpPool().shutdown());

describe("ServerNotes on /tools", () => {
  it("names the keys Switchboard ignored, says a disabled server is never started, and says nothing for a plain entry", async () => {
    writeMcpJson({
      cline: { command: "node", args: [EVERYTHING, "stdio"], autoApprove: ["echo"], alwaysAllow: [], timeout: 60 },
      off: { command: "node", args: [EVERYTHING, "stdio"], disabled: true, description: "kept for later" },
      plain: { command: "node", args: [EVERYTHING, "stdio"] },
    });
    const { servers } = await listMcpServers(false, { role: "admin" });
    const note = (name: string) => {
      const server = servers.find((s) => s.name === name);
      if (!server) throw new Error(`${name} not listed`);
      return renderToStaticMarkup(createElement(ServerNotes, { server }));
    };
    const cline = note("cline");
    expect(cline).toContain('aria-label="Keys ignored in cline"');
    for (const key of ["autoApprove", "alwaysAllow", "timeout"]) expect(cline).toContain(`<code class="font-mono">${key}</code>`);
    expect(cline).toContain("the default 60 s applies");
    const off = note("off");
    expect(off).toContain('Disabled in <code class="font-mono">mcp.json</code>');
    expect(off).toContain("listed, never started");
    expect(off).toContain('<code class="font-mono">description</code>');
    expect(note("plain")).toBe("");
  });
});
