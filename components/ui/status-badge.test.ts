import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StatusBadge } from "@/components/ui/status-badge";

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
