// npm run bench: runs the project's benchmarks and writes their JSON results to bench-results/.
// Each benchmark compares against a baseline measured in the same run (a ratio), since machines are noisy.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

type Bench = { name: string; run: () => Promise<Record<string, unknown>> };

const BENCHES: Bench[] = [
  { name: "mcp", run: async () => (await import("./bench/mcp")).benchMcp() },
  { name: "engine", run: async () => (await import("./bench/engine")).benchEngine() },
  { name: "heartbeats", run: async () => (await import("./bench/heartbeats")).benchHeartbeats() },
  { name: "gateway", run: async () => (await import("./bench/gateway")).benchGateway() },
];

async function main() {
  const only = process.argv.slice(2);
  const results: Record<string, unknown> = {};
  for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
    const started = Date.now();
    console.error(`[bench] ${bench.name}...`);
    try {
      results[bench.name] = await bench.run();
    } catch (error) {
      results[bench.name] = { error: error instanceof Error ? error.message : String(error) };
    }
    console.error(`[bench] ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
