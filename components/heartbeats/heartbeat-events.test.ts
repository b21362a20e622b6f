import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { heartbeatEvent } from "@/components/heartbeats/heartbeat-events";
import { StatusBadge, statusTone } from "@/components/ui/status-badge";
import { EVENT_KINDS, RESULT_KINDS } from "@/lib/heartbeats/heartbeats.schema";

describe("heartbeat event words", () => {
  it("give every event kind a word and a status of the one map", () => {
    for (const kind of EVENT_KINDS) {
      const { word, status } = heartbeatEvent(kind);
      expect(word, kind).not.toBe("");
      // a status the map does not know is drawn with a plain dot
      expect(renderToStaticMarkup(createElement(StatusBadge, { status })), kind).not.toContain("•");
    }
  });

  it("colour results as the board does: success green, failure red, missed amber", () => {
    const tones = Object.fromEntries(RESULT_KINDS.map((k) => [k, statusTone(heartbeatEvent(k).status)]));
    expect(tones).toEqual({ success: "green", fail: "red", nothing: "zinc", skipped: "zinc", missed: "amber" });
    expect(heartbeatEvent("skipped").word).toBe("skipped: still running");
  });

  it("shows a kind it does not know as itself, and no inherited property as a kind", () => {
    expect(heartbeatEvent("someday")).toEqual({ word: "someday", status: "someday" });
    expect(heartbeatEvent("toString")).toEqual({ word: "toString", status: "toString" });
  });
});
