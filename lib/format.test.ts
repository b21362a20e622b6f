// The one fixed-locale formatter (lib/format.ts), and the rule that keeps the viewer's locale and zone
// out of server-rendered text: only components/ui/time.tsx uses them, and only after mount.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { elapsedMs } from "@/lib/engine/run-status";
import { formatDuration, formatInZone, formatNumber, formatUsd, formatUtc } from "@/lib/format";

describe("formatUsd", () => {
  it("shows a fraction of a cent as itself, not as $0.00", () => {
    expect(formatUsd(0.0031)).toBe("$0.0031");
    expect(formatUsd(0.3001)).toBe("$0.3001");
    expect(formatUsd(0.25)).toBe("$0.25");
    expect(formatUsd(0.00004)).toBe("<$0.0001");
    expect(formatUsd(0)).toBe("$0.00");
  });

  it("writes dollars with two decimals and en-US grouping", () => {
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatUsd(12)).toBe("$12.00");
  });
});

describe("formatNumber", () => {
  it("groups with commas whatever the process locale", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
  });
});

describe("formatDuration", () => {
  it("humanises milliseconds to hours", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1_500)).toBe("1.5 s");
    expect(formatDuration(2_000)).toBe("2 s");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(60_000)).toBe("1 min");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(59 * 60_000 + 59_600)).toBe("1 h");
    expect(formatDuration(2 * 3_600_000 + 4 * 60_000)).toBe("2 h 4 min");
  });
});

describe("times", () => {
  it("writes UTC before the viewer's zone is known, and a named zone the same everywhere", () => {
    expect(formatUtc("2026-12-07T04:05:06.789Z")).toBe("2026-12-07 04:05 UTC");
    expect(formatUtc(new Date("2026-12-07T04:05:06.789Z"), true)).toBe("2026-12-07 04:05:06 UTC");
    expect(formatInZone("2026-12-07T04:05:00Z", "UTC")).toBe("Dec 7, 04:05 UTC");
    expect(formatInZone("2026-12-07T04:05:00Z", "Asia/Tokyo")).toBe("Dec 7, 13:05 GMT+9");
  });

  it("times a run, step or job one way: null before its start, and while it runs without a now", () => {
    expect(elapsedMs(null, null, 5)).toBeNull();
    expect(elapsedMs("2026-12-07T04:00:00Z", null, null)).toBeNull();
    expect(elapsedMs("2026-12-07T04:00:00Z", "2026-12-07T04:00:02.5Z", null)).toBe(2_500);
    expect(elapsedMs("2026-12-07T04:00:00Z", null, Date.parse("2026-12-07T04:01:00Z"))).toBe(60_000);
  });
});

describe("locale-dependent text", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const files = ["app", "components"].flatMap((dir) =>
    fs
      .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts"))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name))),
  );

  it("is written only by components/ui/time.tsx (after mount); pages and components use lib/format.ts", () => {
    // the viewer's locale: an Intl formatter without a locale, or toLocale*String
    const viewerLocale = /new Intl\.\w+Format\(\s*(\)|undefined)|Intl\.\w+Format\(\s*\)|\.toLocale(Date|Time)?String\(/;
    const offenders = files.filter((f) => f !== path.join("components", "ui", "time.tsx")).filter((f) => viewerLocale.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
