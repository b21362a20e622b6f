import { describe, expect, it } from "vitest";
import { ACTIVE_RUN_STATUSES, isActiveRunStatus, runWaitingReason, stepWaitingReason, WAITING_LABELS } from "@/lib/engine/run-status";
import { RUN_STATUSES } from "@/lib/engine/engine.schema";

describe("run status rules", () => {
  it("names the active statuses among the run statuses", () => {
    expect(ACTIVE_RUN_STATUSES.every((s) => (RUN_STATUSES as readonly string[]).includes(s))).toBe(true);
    expect(RUN_STATUSES.filter(isActiveRunStatus)).toEqual(["queued", "running", "waiting"]);
  });

  it("says what a waiting step or run waits for", () => {
    expect(stepWaitingReason({ status: "waiting", kind: "approval" })).toBe("approval");
    expect(stepWaitingReason({ status: "waiting", kind: "tool" })).toBe("outcome-unknown");
    expect(stepWaitingReason({ status: "running", kind: "approval" })).toBeNull();
    const steps = [
      { status: "succeeded", kind: "tool" },
      { status: "waiting", kind: "tool" },
    ];
    expect(runWaitingReason({ status: "waiting" }, steps)).toBe("outcome-unknown");
    expect(runWaitingReason({ status: "running" }, steps)).toBeNull();
    // a tool or agent step that a tool's question parked (input-waits.ts) waits for input
    const asking = { status: "waiting", kind: "tool", outputJson: JSON.stringify({ waitingForInput: true, requestId: "in1" }) };
    expect(stepWaitingReason(asking)).toBe("input");
    expect(stepWaitingReason({ ...asking, kind: "agent" })).toBe("input");
    expect(runWaitingReason({ status: "waiting" }, [{ status: "succeeded", kind: "tool" }, asking])).toBe("input");
    expect(WAITING_LABELS).toEqual({ approval: "waiting for approval", "outcome-unknown": "outcome unknown", input: "waiting for input" });
  });
});
