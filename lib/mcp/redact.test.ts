// Secrets (suite row 9): a server's own env and header values never leave through a progress message,
// a tool's description or input schema, or a stored tool definition, as they never do through a result.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { callTool, type ToolProgress } from "@/lib/mcp/send-call";
import { getMcpPool } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { REDACTED } from "@/lib/mcp/redact";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

const CANARY = `canary-redact-${Math.random().toString(36).slice(2, 10)}`;
const FAULTY = path.resolve("lib/testing/fixtures/faulty-server.mjs");
const CHANGING = path.resolve("lib/testing/fixtures/changing-server.mjs");

beforeAll(() => {
  process.env.SB_REDACT_CANARY = CANARY;
  const toolsFile = path.join(workspaceDir(), "leaky-tools.json");
  fs.mkdirSync(workspaceDir(), { recursive: true });
  // a server that writes its own key into what it says about its tools
  fs.writeFileSync(
    toolsFile,
    JSON.stringify([{ name: "lookup", description: `Looks things up with key ${CANARY}`, inputSchema: { type: "object", properties: { q: { type: "string", description: `sent with ${CANARY}`, default: CANARY } } } }]),
  );
  writeMcpJson({
    faulty: { command: "node", args: [FAULTY], env: { LEAK: "${SB_REDACT_CANARY}" } },
    leaky: { command: "node", args: [CHANGING], env: { TOOLS_FILE: toolsFile, API_KEY: "${SB_REDACT_CANARY}" } },
  });
});

afterAll(async () => {
  await getMcpPool().shutdown();
  delete process.env.SB_REDACT_CANARY;
});

describe("redaction beyond results", () => {
  it("redacts a server's secrets in progress messages", async () => {
    const progress: ToolProgress[] = [];
    await callTool({ server: "faulty", tool: "progress_leak", arguments: {}, onProgress: (p) => progress.push(p) });
    expect(progress).toHaveLength(1);
    expect(progress[0].message).toBe(`using key ${REDACTED}`);
  });

  it("redacts tool descriptions and input schemas on the servers list, and in the stored tool definition", async () => {
    const { servers } = await listServers({ connect: true });
    const leaky = servers.find((s) => s.name === "leaky");
    expect(leaky?.tools.map((t) => t.name)).toEqual(["lookup"]);
    expect(JSON.stringify(servers)).not.toContain(CANARY);
    expect(leaky?.tools[0].description).toBe(`Looks things up with key ${REDACTED}`);
    expect(JSON.stringify(leaky?.tools[0].inputSchema)).toContain(REDACTED);
    const pin = await prisma.toolPin.findUniqueOrThrow({ where: { scope_server_tool: { scope: "global", server: "leaky", tool: "lookup" } } });
    expect(`${pin.seenJson}${pin.acceptedJson}`).not.toContain(CANARY);
    expect(pin.seenJson).toContain(REDACTED);
  });
});
