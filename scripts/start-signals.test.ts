// Suite row 24: SIGTERM sent to the `npm start` process alone (as pm2, runit or `kill <pid>` do) stops all
// of Switchboard: the port stops answering, no process of its tree is left (start script, Next server,
// MCP children), and the run that was active is drained or marked interrupted.
// Uses the real production build (built here when none is current), a real npm, a real MCP server.
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processTable } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";
// @ts-expect-error: a plain .mjs module of the start script (Node built-ins only), without types
import { ensureBuild, ensurePrismaClient, root } from "./lib/setup.mjs";

const marker = `sb-sigterm-${randomBytes(6).toString("hex")}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${marker}-`));
const workspace = path.join(dir, "workspace");
const dbFile = path.join(dir, "data", "switchboard.db");
let npm: ChildProcess | undefined;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
    server.on("error", reject);
  });
}

function descendants(rootPid: number): number[] {
  const all = processTable();
  const found = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!found.has(p.pid) && found.has(p.ppid)) found.add(p.pid), (grew = true);
  }
  found.delete(rootPid);
  return [...found];
}

function cmdline(pid: number): string {
  return processTable({ pids: [pid] })[0]?.cmdline ?? "";
}

/** Live (not zombie) processes whose environment carries this test's marker: everything it started. */
function markedProcesses(): number[] {
  return processTable({ environ: true })
    .filter((p) => p.state !== "Z" && p.pid !== process.pid && p.environ?.includes(marker))
    .map((p) => p.pid);
}

async function answers(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return res.ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  ensurePrismaClient();
  ensureBuild(); // a no-op when .next is current for these sources
  port = await freePort();
  fs.mkdirSync(path.join(workspace, "pipelines"), { recursive: true });
  const everything = path.join(root, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
  fs.writeFileSync(path.join(workspace, "mcp.json"), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"], env: { SB_TEST_MARKER: marker } } } }));
  fs.writeFileSync(path.join(workspace, "pipelines", "slow.yaml"), "name: Slow\nsteps:\n  - id: wait\n    tool: everything/trigger-long-running-operation\n    args: { duration: 120, steps: 120 }\n");
  npm = spawn("npm", ["start"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `file:${dbFile}`,
      SWITCHBOARD_WORKSPACE: workspace,
      SWITCHBOARD_URL: `http://localhost:${port}`,
      NEXTAUTH_URL: `http://localhost:${port}`,
      ADMIN_EMAIL: "admin@sigterm.test",
      ADMIN_PASSWORD: "long-enough-password",
      SWITCHBOARD_SHUTDOWN_GRACE_S: "1",
      SB_TEST_MARKER: marker,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  npm.stdout?.on("data", (c: Buffer) => fs.appendFileSync(path.join(dir, "server.log"), c));
  npm.stderr?.on("data", (c: Buffer) => fs.appendFileSync(path.join(dir, "server.log"), c));
  await waitFor(() => answers(), 180_000, "the server to answer");
}, 900_000);

afterAll(() => {
  // only if the test failed part-way: end whatever it started, by pid
  for (const pid of markedProcesses()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SIGTERM to the npm start process alone (suite row 24)", () => {
  it("stops the server, every child and MCP server, and leaves no run running", async () => {
    // a bearer token for the admin the server created at start
    const db = new Database(dbFile);
    const admin = await waitFor(() => db.prepare(`SELECT id FROM "User" LIMIT 1`).get() as { id: string } | undefined, 120_000, "the admin");
    const token = `sb_${randomBytes(32).toString("base64url")}`;
    db.prepare(`INSERT INTO "ApiToken" ("id", "name", "tokenHash", "prefix", "userId", "scope") VALUES (?, 'sigterm', ?, ?, ?, 'run')`).run(
      `tok-${marker}`,
      createHash("sha256").update(token).digest("hex"),
      token.slice(0, 10),
      admin.id,
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ pipeline: "slow" }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitFor(() => (db.prepare(`SELECT status FROM "RunStep" WHERE "runId" = ?`).get(id) as { status: string } | undefined)?.status === "running", 120_000, "the slow step to run");
    // the MCP server carries the marker only through its mcp.json env
    await waitFor(() => markedProcesses().some((pid) => cmdline(pid).includes("server-everything")), 120_000, "the MCP server process");
    const tree = descendants(npm!.pid!);
    expect(tree.map(cmdline).join("\n")).toMatch(/scripts\/start\.mjs/);
    expect(tree.map(cmdline).join("\n")).toMatch(/server-everything/);

    const exited = new Promise<void>((resolve) => npm!.once("exit", () => resolve()));
    process.kill(npm!.pid!, "SIGTERM");
    await exited;

    await waitFor(async () => !(await answers()), 120_000, "the port to stop answering");
    await waitFor(() => markedProcesses().length === 0, 120_000, "every process it started to end");
    for (const pid of tree)
      expect(
        processTable().some((p) => p.pid === pid && p.state !== "Z"),
        `pid ${pid} still runs`,
      ).toBe(false);

    const run = db.prepare(`SELECT status, error FROM "Run" WHERE "id" = ?`).get(id) as { status: string; error: string | null };
    const step = db.prepare(`SELECT status, error FROM "RunStep" WHERE "runId" = ?`).get(id) as { status: string; error: string | null };
    db.close();
    expect(run.status).not.toBe("running");
    if (run.status !== "succeeded") {
      expect(run.error).toMatch(/Interrupted by shutdown/);
      expect(step).toMatchObject({ status: "failed", error: "Interrupted by shutdown" });
    }
  }, 600_000);
});
