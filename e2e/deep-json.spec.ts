// SECURITY.md row 20 (deep-nested JSON): arguments and inputs nested thousands of levels deep get a clear
// 4xx error naming the problem, never a 500 or a crashed process, and the app keeps answering.
import { expect, test } from "./fixtures";

/** `{"message":"x","deep":[[[...0...]]]}` as raw text: JSON.stringify itself would overflow on the way out. */
function nestedBody(prefix: string, depth: number, suffix: string): string {
  return `${prefix}${"[".repeat(depth)}0${"]".repeat(depth)}${suffix}`;
}

for (const depth of [10_000, 100_000]) {
  test(`${depth.toLocaleString("en-US")} levels of nesting in tool arguments and run inputs: a clear 4xx, and the app stays responsive`, async ({ page }) => {
    const cases: [string, string][] = [
      ["/api/mcp/servers/everything/tools/echo", nestedBody('{"arguments":{"message":"deep","extra":', depth, "}}")],
      ["/api/runs", nestedBody('{"pipeline":"echo-check","inputs":{"message":', depth, "}}")],
      ["/api/runs", nestedBody('{"pipeline":"echo-check","inputs":{"message":"hi","other":', depth, "}}")],
    ];
    for (const [url, body] of cases) {
      const res = await page.request.post(url, { headers: { "content-type": "application/json" }, data: body });
      expect(res.status(), `${url} with ${depth} levels`).toBeGreaterThanOrEqual(400);
      expect(res.status(), `${url} with ${depth} levels`).toBeLessThan(500);
      const error = ((await res.json()) as { error?: string }).error ?? "";
      expect(error, url).not.toMatch(/unexpected|stack|RangeError/i);
      expect(error.length, url).toBeGreaterThan(0);
    }
    const health = await page.request.get("/api/health");
    expect(await health.json()).toMatchObject({ ok: true, db: "ok" });
    const echo = await page.request.post("/api/mcp/servers/everything/tools/echo", { data: { arguments: { message: "still here" } } });
    expect((await echo.json()).content[0].text).toBe("Echo: still here");
    await page.goto("/runs");
    await expect(page.getByRole("heading", { name: "Runs", level: 1 })).toBeVisible();
  });
}
