import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StatusBadge, statusTone, ToolCallBadge, toolCallStatus } from "@/components/ui/status-badge";

const badge = (props: Parameters<typeof StatusBadge>[0]) => renderToStaticMarkup(createElement(StatusBadge, props));

describe("StatusBadge", () => {
  it("shows a waiting run as what it waits for", () => {
    expect(badge({ status: "waiting", waitingFor: "approval" })).toContain("waiting for approval");
    const unknown = badge({ status: "waiting", waitingFor: "outcome-unknown" });
    expect(unknown).toContain("outcome unknown");
    expect(unknown).toContain('data-status="waiting"');
    expect(unknown).toContain('data-waiting-for="outcome-unknown"');
    expect(badge({ status: "waiting" })).toMatch(/>waiting</);
  });

  it("ignores a waiting reason on any other status", () => {
    expect(badge({ status: "failed", waitingFor: "approval" })).not.toContain("approval");
  });
});

describe("a tool call's badge", () => {
  const call = (status: string, isError = false) => ({ status, isError });

  it("says refused for a call the gateway did not send, not failed", () => {
    expect(toolCallStatus(call("refused", true))).toBe("refused");
    expect(renderToStaticMarkup(createElement(ToolCallBadge, { call: call("refused", true) }))).toMatch(/>refused</);
  });

  it("says outcome unknown for a call sent without an answer, not failed, in amber", () => {
    expect(toolCallStatus(call("unknown", true))).toBe("outcome unknown");
    expect(statusTone(toolCallStatus(call("unknown")))).toBe("amber");
  });

  it("says failed for an error result or a failed send, running while it runs, else succeeded", () => {
    expect(toolCallStatus(call("succeeded", true))).toBe("failed");
    expect(toolCallStatus(call("failed"))).toBe("failed");
    expect(toolCallStatus(call("started"))).toBe("running");
    expect(toolCallStatus(call("succeeded"))).toBe("succeeded");
  });
});
