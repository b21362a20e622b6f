// The task poller (tasks.ts) against server-everything over stdio, with a v2 client of the test's own:
// a 2025-11-25 task that needs input delivers its elicitation/create on the tasks/result stream, which
// the poller opens as soon as the task says input_required, so the client's own handler answers it and
// the task goes on to its result while tasks/get keeps reporting its status.
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerEntry } from "@/lib/mcp/config";
import { callToolAsTask, type TaskRequester, type TaskUpdate } from "@/lib/mcp/tasks";
import { EVERYTHING } from "@/lib/testing/mcp-servers";

let client: Client;
const asked: string[] = [];

const entry: ServerEntry = { name: "everything", scope: "global", source: "mcp.json", transport: "stdio", state: "ok", ignoredKeys: [], contentHash: "test", secrets: [], summary: "" };

beforeAll(async () => {
  client = new Client({ name: "tasks-test", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler("elicitation/create", async (request) => {
    asked.push(request.params.message);
    return { action: "accept", content: { interpretation: "historical" } };
  });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" }));
});

afterAll(async () => {
  await client.close();
});

describe("a 2025-11-25 task that needs input", () => {
  it("gets its question answered through tasks/result and completes with the answer", async () => {
    const updates: TaskUpdate[] = [];
    const topic = `topic-${Math.random().toString(36).slice(2, 8)}`;
    const outcome = await callToolAsTask(
      { client: client as unknown as TaskRequester, busy: (request) => request(), entry, timeoutMs: 30_000, onTask: (u) => updates.push(u) },
      { name: "simulate-research-query", arguments: { topic, ambiguous: true } },
    );
    expect(asked).toEqual([`The research query "${topic}" could have multiple interpretations. Please clarify what you're looking for:`]);
    expect(updates.map((u) => u.status)).toContain("input_required");
    expect(updates.at(-1)?.status).toBe("completed");
    expect(outcome.ok).toBe(true);
    const text = outcome.ok === true ? JSON.stringify(outcome.result) : "";
    expect(text).toContain(`# Research Report: ${topic} (historical)`);
    // the server's related-task _meta stays out of the result
    expect(text).not.toContain("io.modelcontextprotocol/related-task");
  });
});
