// SWITCHBOARD_MAX_QUEUED_PER_PIPELINE under concurrency: the queued runs are counted and the new one inserted
// in one BEGIN IMMEDIATE transaction, so requests take turns by commit, whatever time each one stamped on
// its run: with one place left, exactly one of many concurrent requests queues, in one process or two.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { queueRun } from "@/lib/engine/queue-run";
import { resetEnvForTests, workspaceDir } from "@/lib/env";
import { exited } from "@/lib/testing/processes";

const LIMIT = 3;
const suffix = Math.random().toString(36).slice(2, 8);
const actor = { id: null, label: "Test" };
const children: ChildProcess[] = [];

function pipeline(name: string): string {
  const slug = `${name}-${suffix}`;
  const dir = path.join(workspaceDir(), "pipelines");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${slug}.yaml`), `name: ${name}\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: hi }\n`);
  return slug;
}

const queued = (pipelineSlug: string) => prisma.run.count({ where: { pipelineSlug, clientId: null, status: "queued" } });
const request = (pipelineSlug: string) => queueRun({ pipelineSlug, createdBy: actor, trigger: "api" });

/** What each request came to: "queued", or the error's HTTP status. */
function outcomes(results: PromiseSettledResult<string>[]): (string | number)[] {
  return results.map((r) => (r.status === "fulfilled" ? "queued" : r.reason instanceof SafeError ? r.reason.status : String(r.reason)));
}

beforeAll(() => {
  process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE = String(LIMIT);
  process.env.SWITCHBOARD_DISABLE_WORKER = "1";
  resetEnvForTests();
});

afterEach(async () => {
  vi.useRealTimers();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited(child);
    }
  }
});

afterAll(() => {
  delete process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE;
  resetEnvForTests();
});

describe("the queued-runs limit under concurrency", { timeout: 120_000 }, () => {
  it("with one place left, exactly one of twenty concurrent requests queues; the others get the 429", async () => {
    const slug = pipeline("one-place");
    for (let i = 0; i < LIMIT - 1; i++) await request(slug);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => request(slug)));
    expect(outcomes(results).sort()).toEqual([...Array.from({ length: 19 }, () => 429), "queued"]);
    expect(await queued(slug)).toBe(LIMIT);
  });

  it("counts the runs already queued whatever time a request stamps on its own (a clock behind, a request that waited for the lock)", async () => {
    const slug = pipeline("stamped-earlier");
    for (let i = 0; i < LIMIT; i++) await request(slug);
    // this request's run carries a time before theirs, as one stamped before it waited behind their commits
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 60_000);
    const error = await request(slug).catch((e: unknown) => e);
    vi.useRealTimers();
    expect(error).toBeInstanceOf(SafeError);
    expect((error as SafeError).status).toBe(429);
    expect(await queued(slug)).toBe(LIMIT);
  });

  it("two processes racing with one place left queue exactly one run between them", async () => {
    const slug = pipeline("two-processes");
    for (let i = 0; i < LIMIT - 1; i++) await request(slug);
    // a process that queues `count` runs of the pipeline at once when told "go" (the app's server and a
    // script, or two app servers, on one database)
    const script = path.join(path.dirname(workspaceDir()), `queue-process-${suffix}.mts`);
    fs.writeFileSync(
      script,
      `import readline from "node:readline";
import { queueRun } from "@/lib/engine/queue-run";
const [slug, count] = [process.argv[2], Number(process.argv[3])];
console.log("ready");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line !== "go") continue;
  const results = await Promise.allSettled(Array.from({ length: count }, () => queueRun({ pipelineSlug: slug, createdBy: { id: null, label: "process" }, trigger: "api" })));
  console.log("done " + JSON.stringify(results.map((r) => (r.status === "fulfilled" ? "queued" : ((r.reason as { status?: number }).status ?? String(r.reason))))));
  process.exit(0);
}
`,
    );
    const start = () => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script, slug, "10"], { cwd: process.cwd(), env: process.env, stdio: ["pipe", "pipe", "inherit"] });
      children.push(child);
      const lines = readline.createInterface({ input: child.stdout });
      const next = (prefix: string) => {
        const line = new Promise<string>((resolve, reject) => {
          lines.on("line", (l) => l.startsWith(prefix) && resolve(l.slice(prefix.length)));
          child.once("exit", (code) => reject(new Error(`the queueing process exited (${code}) before "${prefix}"`)));
        });
        line.catch(() => undefined); // awaited below; an early exit fails the test there
        return line;
      };
      return { child, ready: next("ready"), done: next("done ") };
    };
    const processes = [start(), start()];
    await Promise.all(processes.map((p) => p.ready));
    for (const p of processes) p.child.stdin?.write("go\n");
    const answers = (await Promise.all(processes.map((p) => p.done))).flatMap((line) => JSON.parse(line) as (string | number)[]);
    expect(answers.sort()).toEqual([...Array.from({ length: 19 }, () => 429), "queued"]);
    expect(await queued(slug)).toBe(LIMIT);
  });
});
