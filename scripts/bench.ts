// npm run bench: runs the project's benchmarks and writes their JSON results to bench-results/.
// Each benchmark compares against a baseline measured in the same run (a ratio), since machines are noisy.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
// @ts-expect-error: a plain .mjs module of the start script (Node built-ins only), without types
import { ensurePrismaClient } from "./lib/setup.mjs";

type Bench = { name: string; run: () => Promise<Record<string, unknown>> };

const BENCHES: Bench[] = [
  { name: "mcp", run: async () => (await import("./bench/mcp")).benchMcp() },
  { name: "engine", run: async () => (await import("./bench/engine")).benchEngine() },
  { name: "heartbeats", run: async () => (await import("./bench/heartbeats")).benchHeartbeats() },
  { name: "gateway", run: async () => (await import("./bench/gateway")).benchGateway() },
  { name: "tool-search", run: async () => (await import("./bench/tool-search")).benchToolSearch() },
  { name: "sandbox", run: async () => (await import("./bench/sandbox")).benchSandbox() },
  { name: "operator-mcp", run: async () => (await import("./bench/operator-mcp")).benchOperatorMcp() },
  { name: "notify", run: async () => (await import("./bench/notify")).benchNotify() },
];

/**
 * One bench in a process of its own: benches point the environment (database, workspace) at their own
 * folders, and lib/env.ts, Prisma and the MCP pool keep the first they see for the life of a process.
 */
function runInOwnProcess(name: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], name], { env: { ...process.env, SB_BENCH_CHILD: "1" }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("exit", (code) => {
      try {
        resolve((JSON.parse(out) as { results: Record<string, unknown> }).results[name]);
      } catch {
        resolve({ error: `the ${name} bench exited with ${code} and no result` });
      }
    });
  });
}

async function main() {
  const only = process.argv.slice(2);
  const results: Record<string, unknown> = {};
  const inChild = process.env.SB_BENCH_CHILD === "1";
  // every bench imports lib/, which imports the generated Prisma client: on a fresh clone it is not there
  // yet (npm install's postinstall cannot make it offline), so make it first, as start and test do
  if (!inChild) ensurePrismaClient();
  for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
    const started = Date.now();
    console.error(`[bench] ${bench.name}...`);
    try {
      results[bench.name] = inChild ? await bench.run() : await runInOwnProcess(bench.name);
    } catch (error) {
      results[bench.name] = { error: error instanceof Error ? error.message : String(error) };
    }
    console.error(`[bench] ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (inChild) {
    process.stdout.write(JSON.stringify({ results }));
    process.exit(0);
  }
  const report = { at: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, results };
  const dir = path.resolve("bench-results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${report.at.replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
  console.error(`[bench] wrote ${file}`);
  process.exit(0);
}

void main();
