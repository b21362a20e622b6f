import { describe, expect, it } from "vitest";
import { parsePipelineText } from "@/lib/pipelines/load-pipelines";

const base = `name: Nightly
steps:
  - id: ping
    tool: everything/echo
    args: { message: hi }
`;

describe("schedule blocks", () => {
  it("accept cron, timezone, grace, client, catchUp none|one and on_failure <pipeline>", () => {
    const entry = parsePipelineText("nightly", `${base}schedule:\n  cron: "0 2 * * *"\n  timezone: America/Chicago\n  grace: 30m\n  catchUp: none\n  on_failure: alert-owner\n`);
    expect(entry.errors).toEqual([]);
    expect(entry.definition?.schedule).toMatchObject({ cron: "0 2 * * *", timezone: "America/Chicago", catchUp: "none", on_failure: "alert-owner" });
    expect(parsePipelineText("n2", `${base}schedule:\n  cron: "0 2 * * *"\n`).definition?.schedule?.catchUp).toBe("one");
  });

  it("name the file, line and field of a bad cron, timezone or catch-up policy", () => {
    const entry = parsePipelineText("bad", `${base}schedule:\n  cron: "61 * * * *"\n  timezone: Mars/Olympus\n  catchUp: all\n`);
    expect(entry.valid).toBe(false);
    expect(entry.errors.join("\n")).toMatch(/pipelines\/bad\.yaml:\d+ schedule\.catchUp: expected one of none, one/);
    const cron = parsePipelineText("bad2", `${base}schedule:\n  cron: "61 * * * *"\n  timezone: Mars/Olympus\n`);
    expect(cron.errors.join("\n")).toMatch(/bad2\.yaml:\d+ schedule\.cron/);
    expect(cron.errors.join("\n")).toMatch(/bad2\.yaml:\d+ schedule\.timezone/);
  });
});
