// What npm test's summary says of the Playwright run, from its JSON report (PLAYWRIGHT_JSON_OUTPUT_NAME).
// A test that failed and then passed on a retry is flaky: it is named in the summary and counted as
// flaky, never as passed, so a journey that only sometimes works cannot hide among the green ones.

/** Every test of the report (suites nest: files, then describe blocks), with its spec's file and title path. */
function* testsOf(suites, titles = []) {
  for (const suite of suites ?? []) {
    const path = suite.title && !suite.file?.endsWith(suite.title) ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) yield { name: [spec.file ?? suite.file, ...path, spec.title].filter(Boolean).join(" › "), project: test.projectName, status: test.status };
    }
    yield* testsOf(suite.suites, path);
  }
}

/** `{ passed, failed, flaky, skipped, flakyNames, failedNames }` of a Playwright JSON report (null: no report). */
export function summarisePlaywright(report) {
  const out = { passed: 0, failed: 0, flaky: 0, skipped: 0, flakyNames: [], failedNames: [] };
  if (!report) return out;
  for (const t of testsOf(report.suites)) {
    const name = t.project ? `${t.name} [${t.project}]` : t.name;
    if (t.status === "expected") out.passed += 1;
    else if (t.status === "flaky") (out.flaky += 1), out.flakyNames.push(name);
    else if (t.status === "unexpected") (out.failed += 1), out.failedNames.push(name);
    else out.skipped += 1;
  }
  return out;
}
