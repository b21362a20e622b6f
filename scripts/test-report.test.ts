// npm test's summary of a real Playwright run: a test that fails and passes on its retry is named and
// counted as flaky, not as passed; a failing one is named as failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the test script (Node built-ins only), without types
import { summarisePlaywright } from "./lib/test-report.mjs";

const root = path.resolve(import.meta.dirname, "..");
// inside the project, so the spec resolves @playwright/test from its node_modules
fs.mkdirSync(path.join(root, ".tmp"), { recursive: true });
const dir = fs.mkdtempSync(path.join(root, ".tmp", "test-report-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("npm test's Playwright summary", () => {
  it("names a flaky test and counts it as flaky, never as passed", () => {
    fs.writeFileSync(path.join(dir, "playwright.config.mjs"), `export default { testDir: ".", retries: 1, workers: 1, reporter: "json" };\n`);
    fs.writeFileSync(
      path.join(dir, "journey.spec.mjs"),
      `import { test, expect } from "@playwright/test";
test.describe("drafts", () => {
  test("passes", () => expect(1).toBe(1));
  test("passes on its retry", ({}, info) => expect(info.retry).toBe(1));
  test("always fails", () => expect(1).toBe(2));
});
`,
    );
    const report = path.join(dir, "report.json");
    // no browser: these tests take no page
    spawnSync(process.execPath, [path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", "-c", path.join(dir, "playwright.config.mjs")], {
      cwd: dir,
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
      encoding: "utf8",
    });
    const summary = summarisePlaywright(JSON.parse(fs.readFileSync(report, "utf8")));
    expect(summary).toMatchObject({ passed: 1, flaky: 1, failed: 1, skipped: 0 });
    expect(summary.flakyNames).toEqual([expect.stringMatching(/journey\.spec\.mjs › drafts › passes on its retry$/)]);
    expect(summary.failedNames).toEqual([expect.stringMatching(/drafts › always fails$/)]);
  }, 120_000);

  it("says nothing when there is no report (the e2e stage did not run)", () => {
    expect(summarisePlaywright(null)).toEqual({ passed: 0, failed: 0, flaky: 0, skipped: 0, flakyNames: [], failedNames: [] });
  });
});
