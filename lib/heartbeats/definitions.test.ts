// Reading heartbeats from the workspace: scheduled pipelines (with when:) and heartbeats.yaml, where a
// bad entry is an error naming file and line and the good entries still count.
import { beforeEach, describe, expect, it } from "vitest";
import { writePipeline } from "@/lib/testing/engine";
import { loadHeartbeats, parseHeartbeatsText } from "@/lib/heartbeats/definitions";
import { clearWorkspace, scheduledPipeline, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

beforeEach(() => clearWorkspace());

describe("heartbeat definitions", () => {
  it("read scheduled pipelines and ping checks (cron or every), with defaults", () => {
    writePipeline("replier", scheduledPipeline(`  cron: "0 * * * *"\n  timezone: Europe/Berlin\n  grace: 15m\n  on_failure: alert\n  when: { tool: helpdesk/list_new_tickets, args: { status: new } }\n`));
    writeHeartbeatsYaml(`- slug: backup\n  name: Nightly backup\n  cron: "0 3 * * *"\n  timezone: America/Chicago\n  grace: 1h\n  client: acme\n- slug: uptime\n  every: 5m\n`);
    const { heartbeats, errors } = loadHeartbeats();
    expect(errors).toEqual([]);
    expect(heartbeats.map((h) => [h.slug, h.kind, h.cron ?? `${h.everyMs}ms`, h.timezone, h.graceMs])).toEqual([
      ["backup", "ping", "0 3 * * *", "America/Chicago", 3_600_000],
      ["replier", "pipeline", "0 * * * *", "Europe/Berlin", 900_000],
      ["uptime", "ping", "300000ms", "UTC", 3_600_000],
    ]);
    const replier = heartbeats.find((h) => h.slug === "replier");
    expect(replier?.when).toEqual({ server: "helpdesk", tool: "list_new_tickets", args: { status: "new" } });
    expect(replier?.onFailure).toBe("alert");
  });

  it("name file and line of each bad entry and keep the good ones", () => {
    const text = [
      "- slug: good",
      "  every: 1h",
      "- slug: bad-cron",
      '  cron: "61 * * * *"',
      "- slug: bad-tz",
      "  every: 1h",
      "  timezone: Mars/Olympus",
      "- slug: both",
      "  every: 1h",
      '  cron: "* * * * *"',
      "- slug: Not A Slug",
      "  every: 1h",
      "  colour: red",
    ].join("\n");
    const { heartbeats, errors } = parseHeartbeatsText(text);
    expect(heartbeats.map((h) => h.slug)).toEqual(["good"]);
    expect(errors).toEqual([
      expect.stringMatching(/^heartbeats\.yaml:4 \[1\]\.cron: invalid cron "61 \* \* \* \*"/),
      expect.stringMatching(/^heartbeats\.yaml:7 \[2\]\.timezone: "Mars\/Olympus" is not an IANA timezone/),
      expect.stringMatching(/^heartbeats\.yaml:8 \[3\]: give either cron or every/),
      expect.stringMatching(/^heartbeats\.yaml:11 \[4\]\.slug: expected a slug/),
      expect.stringMatching(/^heartbeats\.yaml:13 \[4\]\.colour: unknown key "colour"/),
    ]);
    expect(parseHeartbeatsText("- slug: [").errors[0]).toMatch(/^heartbeats\.yaml:1 YAML:/);
  });

  it("report a scheduled pipeline's broken schedule and a slug used twice, and keep the rest", () => {
    writePipeline("broken", scheduledPipeline(`  cron: "not a cron"\n`));
    writePipeline("twice", scheduledPipeline(`  cron: "0 * * * *"\n`));
    writeHeartbeatsYaml("- slug: twice\n  every: 1h\n- slug: fine\n  every: 1h\n");
    const { heartbeats, errors } = loadHeartbeats();
    expect(heartbeats.map((h) => `${h.slug}:${h.kind}`)).toEqual(["fine:ping", "twice:pipeline"]);
    expect(errors).toEqual([expect.stringMatching(/^pipelines\/broken\.yaml:\d+ schedule\.cron: invalid cron/), expect.stringMatching(/the slug "twice" is also a scheduled pipeline/)]);
  });
});
