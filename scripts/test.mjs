// npm test: installs what the tests need (npm packages, Debian's chromium and bubblewrap), then runs every test:
// type checking, the formatter and linter (Biome), unit and integration tests (vitest, real SQLite and MCP
// servers), and Playwright e2e in Debian's Chromium against a production build on its own temporary database
// and workspace.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBubblewrap, ensureBuild, ensurePackages, ensurePrismaClient, log, root, run } from "./lib/setup.mjs";
import { summarisePlaywright } from "./lib/test-report.mjs";

const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? "/usr/bin/chromium";

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`Chromium is missing at ${CHROMIUM}. Install Debian's package: sudo apt-get install -y chromium`);
  log("installing Debian's chromium for the browser tests...");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { env: { DEBIAN_FRONTEND: "noninteractive" } });
}

function step(name, command, args, env = {}) {
  log(`${name}...`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  log(`${name} ${ok ? "passed" : "FAILED"} (${Math.round((Date.now() - started) / 1000)} s)`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const reports = path.join(root, ".tmp", "test-reports");
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, "node_modules", ".bin", name);

try {
  ensurePackages();
  ensureChromium();
  ensureBubblewrap({ required: true });
  ensurePrismaClient();
} catch (error) {
  console.error(`[switchboard] test set-up failed: ${error.message}`);
  process.exit(1);
}

const typecheckOk = step("type check", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
// formatting and lint rules (biome.jsonc); `npx biome check --write .` fixes what it can
const lintOk = step("lint and format check", bin("biome"), ["check", "--max-diagnostics=50", "."]);
const vitestOk = step("unit and integration tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(reports, "vitest.json")}`]);
let buildOk = true;
let e2eOk = false;
try {
  ensureBuild();
} catch (error) {
  console.error(`[switchboard] build failed: ${error.message}`);
  buildOk = false;
}
if (buildOk) e2eOk = step("e2e tests", bin("playwright"), ["test", "-c", "e2e/playwright.config.ts"], { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, "playwright.json") });

const vitest = readJson(path.join(reports, "vitest.json"));
const e2e = summarisePlaywright(readJson(path.join(reports, "playwright.json")));
// a stage that failed without reporting tests (type errors, a broken build) still counts as a failure
const stageFailures = [typecheckOk, lintOk, buildOk, vitestOk || (vitest?.numFailedTests ?? 0) > 0, e2eOk || e2e.failed > 0].filter((ok) => !ok).length;
const passed = (vitest?.numPassedTests ?? 0) + e2e.passed;
const failed = (vitest?.numFailedTests ?? 0) + e2e.failed + stageFailures;
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + e2e.skipped;
console.log(
  `\nSummary: type check ${typecheckOk ? "ok" : "FAILED"}; lint ${lintOk ? "ok" : "FAILED"}; build ${buildOk ? "ok" : "FAILED"}; vitest ${vitest?.numPassedTests ?? 0}/${vitest?.numTotalTests ?? 0} passed; e2e ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.flaky} flaky`,
);
for (const name of e2e.failedNames) console.log(`  failed: ${name}`);
// passed only on a retry: named, and not counted as passed
for (const name of e2e.flakyNames) console.log(`  flaky (failed, then passed on a retry): ${name}`);
// the closing line in the plain form CI reads ("N passed, N failed, N skipped"); flaky results are named above
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(typecheckOk && lintOk && vitestOk && buildOk && e2eOk ? 0 : 1);
