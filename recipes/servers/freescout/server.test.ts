// The project's FreeScout MCP server, as a real child process over stdio, against the FreeScout API
// stand-in: its four tools with honest annotations, each call at FreeScout's real paths with the API
// key, and the errors it gives for a wrong key, a missing conversation, a server error and no settings.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FreeScoutStandin } from "@/lib/testing/remote-standins/freescout";

const SERVER = path.resolve("recipes/servers/freescout/server.mjs");

let standin: FreeScoutStandin;
const clients: Client[] = [];

async function connect(env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "freescout-test", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER], env: { ...getDefaultEnvironment(), ...env }, stderr: "pipe" }));
  clients.push(client);
  return client;
}

const textOf = (r: object) => (((r as { content?: unknown }).content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? "").join("\n");

beforeAll(async () => {
  standin = await FreeScoutStandin.start();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await standin.close();
});

describe("the FreeScout MCP server", () => {
  it("lists its four tools: reads annotated read-only and idempotent, writes neither read-only nor idempotent", async () => {
    const client = await connect({});
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(Object.keys(byName).sort()).toEqual(["add_note", "create_reply", "get_conversation", "list_conversations"]);
    for (const read of ["list_conversations", "get_conversation"]) {
      expect(byName[read]).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
    }
    // a reply and a note add to the conversation (not destructive) and a second call adds a second one (not idempotent)
    for (const write of ["create_reply", "add_note"]) {
      expect(byName[write]).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    }
  });

  it("lists unanswered conversations, reads a thread, posts a reply and a note at FreeScout's paths with the key", async () => {
    const client = await connect({ FREESCOUT_URL: `${standin.url}/`, FREESCOUT_API_KEY: standin.apiKey, FREESCOUT_USER_ID: "1" });
    const a = standin.addConversation({ subject: "Invoice missing", email: "ann.lee@client.example", text: "Where is my <b>invoice</b>?\nThanks" });
    const b = standin.addConversation({ subject: "Password reset", email: "bob@client.example", text: "I cannot log in" });
    standin.addConversation({ subject: "Old", email: "old@client.example", text: "closed one", status: "closed" });

    const listed = await client.callTool({ name: "list_conversations", arguments: { unanswered: true } });
    const oldest = await client.callTool({ name: "list_conversations", arguments: { unanswered: true, order: "oldest", limit: 1 } });
    expect((oldest.structuredContent as { conversations: { id: number }[] }).conversations.map((c) => c.id)).toEqual([a]);
    expect(listed.isError).toBeFalsy();
    const ids = (listed.structuredContent as { conversations: { id: number; subject: string; customer: { email: string } }[] }).conversations.map((c) => c.id);
    expect(ids).toEqual([b, a]);

    const read = await client.callTool({ name: "get_conversation", arguments: { conversation_id: a } });
    expect(textOf(read)).toContain("Conversation #");
    expect(textOf(read)).toContain("Where is my invoice?\nThanks");
    expect(textOf(read)).toContain("ann.lee@client.example");

    const note = await client.callTool({ name: "add_note", arguments: { conversation_id: b, text: "Switchboard is drafting a reply" } });
    expect(note.isError).toBeFalsy();
    const reply = await client.callTool({ name: "create_reply", arguments: { conversation_id: a, text: "Hello Ann,\n\nIt is attached <here>.", status: "pending" } });
    expect(reply.isError).toBeFalsy();
    expect(reply.structuredContent).toMatchObject({ conversationId: a, type: "message", status: 201 });
    expect(standin.posted).toEqual([
      { conversationId: b, type: "note", text: "<p>Switchboard is drafting a reply</p>", user: 1 },
      { conversationId: a, type: "message", text: "<p>Hello Ann,</p><p>It is attached &lt;here&gt;.</p>", user: 1 },
    ]);
    // both now have something after the customer's message: nothing is waiting
    const after = await client.callTool({ name: "list_conversations", arguments: { unanswered: true } });
    expect(after.structuredContent).toEqual({ conversations: [] });
    expect(textOf(after)).toBe("[]");
    standin.customerWrites(a, "Got it, one more question");
    const again = await client.callTool({ name: "list_conversations", arguments: { unanswered: true } });
    expect((again.structuredContent as { conversations: { id: number }[] }).conversations.map((c) => c.id)).toEqual([a]);
    expect(standin.requests.every((r) => r.authorized)).toBe(true);
    expect(standin.requests.map((r) => `${r.method} ${r.path}`)).toContain(`POST /api/conversations/${a}/threads`);
  });

  it("gives clear errors: a wrong key, a missing conversation, a server error, and no settings at all", async () => {
    const wrong = await connect({ FREESCOUT_URL: standin.url, FREESCOUT_API_KEY: "not-the-key", FREESCOUT_USER_ID: "1" });
    const denied = await wrong.callTool({ name: "list_conversations", arguments: {} });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/FreeScout answered 401 Unauthorized to GET \/api\/conversations \(check FREESCOUT_API_KEY\)/);

    const client = await connect({ FREESCOUT_URL: standin.url, FREESCOUT_API_KEY: standin.apiKey, FREESCOUT_USER_ID: "1" });
    const missing = await client.callTool({ name: "get_conversation", arguments: { conversation_id: 999_999 } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/FreeScout answered 404 Not Found to GET \/api\/conversations\/999999.*Conversation not found/);

    standin.failNext = { status: 500, count: 1 };
    const down = await client.callTool({ name: "create_reply", arguments: { conversation_id: 100, text: "hi" } });
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(/FreeScout answered 500 Internal Server Error to POST \/api\/conversations\/100\/threads: Internal Server Error/);

    const unset = await connect({});
    const noUrl = await unset.callTool({ name: "list_conversations", arguments: {} });
    expect(noUrl.isError).toBe(true);
    expect(textOf(noUrl)).toMatch(/FREESCOUT_URL is not set/);
    const noUser = await connect({ FREESCOUT_URL: standin.url, FREESCOUT_API_KEY: standin.apiKey });
    const refused = await noUser.callTool({ name: "add_note", arguments: { conversation_id: 100, text: "x" } });
    expect(textOf(refused)).toMatch(/FREESCOUT_USER_ID is not set/);
  });
});
