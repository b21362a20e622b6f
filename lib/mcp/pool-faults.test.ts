// Suite row 23 (a server killed mid-call, one that never answers, one that floods stderr) and the process
// groups of stdio servers: a server behind a wrapper leaves nothing behind on close, shutdown or exit.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callTool } from "@/lib/mcp/send-call";
import { toolResultText } from "@/lib/mcp/tool-result";
import { getMcpPool } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { StderrTail } from "@/lib/mcp/stderr-tail";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { isRunning, processesInGroup } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

const FIXTURE = path.resolve("lib/testing/fixtures/faulty-server.mjs");
// spawning servers is slow on a busy machine; nothing here measures time
vi.setConfig({ testTimeout: 180_000 });
const settle = (check: () => boolean | Promise<boolean>) => waitFor(check, 120_000);

beforeAll(() => {
  writeMcpJson({
    faulty: { command: "node", args: [FIXTURE] },
    // a wrapper that stays the parent of the real server, as npx and uvx do
    wrapped: { command: "sh", args: ["-c", `'${process.execPath}' '${FIXTURE}'; true`] },
  });
});

afterAll(async () => {
  await getMcpPool().shutdown();
});

async function pidOf(server: string): Promise<number> {
  const pool = getMcpPool();
  const { conn } = await pool.client(await pool.resolve(server));
  if (!conn.pid) throw new Error(`${server} has no process`);
  return conn.pid;
}

async function stderrOf(server: string): Promise<string> {
  return ((await listServers()).servers.find((s) => s.name === server)?.stderrTail ?? []).join("\n");
}

describe("a stdio server in its own process group", () => {
  it("leads its own group, and closing the pool ends the wrapper, the server and its grandchild", async () => {
    const grandchild = Number(toolResultText(await callTool({ server: "wrapped", tool: "spawn_child", arguments: {} })));
    const pgid = await pidOf("wrapped");
    expect(processesInGroup(pgid)).toEqual(expect.arrayContaining([pgid, grandchild]));
    expect(processesInGroup(pgid).length).toBeGreaterThanOrEqual(3);
    expect(processesInGroup(process.pid)).not.toContain(pgid);
    await getMcpPool().shutdown();
    await settle(() => processesInGroup(pgid).length === 0);
    expect(isRunning(grandchild)).toBe(false);
  });

  it("a wrapper killed from outside takes its server and grandchild with it, and the next call starts afresh", async () => {
    const grandchild = Number(toolResultText(await callTool({ server: "wrapped", tool: "spawn_child", arguments: {} })));
    const pgid = await pidOf("wrapped");
    process.kill(pgid, "SIGKILL");
    await settle(() => processesInGroup(pgid).length === 0);
    expect(isRunning(grandchild)).toBe(false);
    await settle(async () => (await listServers()).servers.find((s) => s.name === "wrapped")?.status === "error");
    expect(toolResultText(await callTool({ server: "wrapped", tool: "ping", arguments: {} }))).toBe("pong");
  });

  it("the group ends even when Switchboard leaves by process.exit", async () => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/testing/fixtures/pool-exit-process.ts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(err).toBe("");
    expect(code).toBe(0);
    const { pgid, grandchild } = JSON.parse(out.trim()) as { pgid: number; grandchild: number };
    expect(pgid).toBeGreaterThan(0);
    await settle(() => processesInGroup(pgid).length === 0);
    expect(isRunning(grandchild)).toBe(false);
  });
});

describe("faults (suite row 23)", () => {
  it("a server killed mid-call fails that call with a clear error, and the pool reconnects on the next call", async () => {
    await callTool({ server: "faulty", tool: "ping", arguments: {} });
    const pgid = await pidOf("faulty");
    const pending = callTool({ server: "faulty", tool: "slow", arguments: { ms: 600_000 } });
    await settle(async () => (await stderrOf("faulty")).includes("slow started"));
    process.kill(pgid, "SIGKILL");
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(result.error).toMatch(/closed the connection during the call/);
    const after = await callTool({ server: "faulty", tool: "ping", arguments: {} });
    expect(toolResultText(after)).toBe("pong");
    expect(getMcpPool().childPids()).not.toContain(pgid);
  });

  it("a server that never answers fails the call with a timeout, and stays usable", async () => {
    const result = await callTool({ server: "faulty", tool: "hang", arguments: {}, timeoutMs: 300 });
    expect(result.isError).toBe(true);
    expect(result.error).toMatch(/Timed out: no answer or progress/);
    expect(toolResultText(await callTool({ server: "faulty", tool: "ping", arguments: {} }))).toBe("pong");
  });

  it("a server that floods stderr keeps answering while the pool keeps only a bounded tail", async () => {
    const result = await callTool({ server: "faulty", tool: "flood", arguments: { mb: 16 }, timeoutMs: 120_000 });
    expect(toolResultText(result)).toBe("flooded 16 MB");
    const pool = getMcpPool();
    const { conn } = await pool.client(await pool.resolve("faulty"));
    expect(conn.stderr.size).toBeLessThanOrEqual(64 * 1024);
    // stderr and the answer travel on different pipes: the last lines may land just after the answer
    await settle(async () => (await stderrOf("faulty")).endsWith("flood done"));
    const tail = await stderrOf("faulty");
    expect(tail.split("\n").length).toBeLessThanOrEqual(20);
  });

  it("the stderr tail drops the oldest bytes first and never shows a clipped secret", () => {
    const tail = new StderrTail(100);
    tail.push("token=SECRET-123456 first line\n");
    for (let i = 0; i < 20; i++) tail.push(`line ${i}\n`);
    expect(tail.size).toBeLessThanOrEqual(100);
    expect(tail.lines(3, ["SECRET-123456"])).toEqual(["line 17", "line 18", "line 19"]);
    const one = new StderrTail(10);
    one.push(`SECRET-123456\n${"x".repeat(50)}`);
    expect(one.size).toBe(10);
    expect(one.lines(5, ["SECRET-123456"]).join("")).not.toContain("SECRET");
  });
});
