import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ToolCallDetails, type ToolCallView } from "@/components/runs/tool-call-details";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const call = (over: Partial<ToolCallView>): ToolCallView => ({
  id: "call1",
  server: "browser",
  tool: "screenshot",
  status: "succeeded",
  isError: false,
  error: null,
  durationMs: 1_500,
  arguments: { url: "http://localhost/" },
  result: null,
  isTruncated: false,
  resultBytes: 0,
  resultOmitted: false,
  images: [],
  ...over,
});

const render = (c: ToolCallView, kind?: string) => renderToStaticMarkup(createElement(ToolCallDetails, { runId: "run1", call: c, open: false, kind }));

describe("ToolCallDetails", () => {
  it("shows a result too large to inline with its images and a link to the whole result as JSON", () => {
    const html = render(call({ resultOmitted: true, resultBytes: 2_345_678, images: [{ type: "image", mimeType: "image/png", data: PNG }] }), "Tool call");
    expect(html).toContain('href="/api/runs/run1/tool-calls/call1/result"');
    expect(html).toContain("2,345,678 bytes");
    expect(html).toContain(`src="data:image/png;base64,${PNG}"`);
    expect(html).toContain('alt="Returned by the tool"');
    expect(html).toContain('aria-label="Tool call browser/screenshot"');
    expect(html).toContain("1.5 s");
  });

  it("badges a refused call as refused", () => {
    const html = render(call({ status: "refused", isError: true, error: "not allowed" }));
    expect(html).toContain('data-status="refused"');
    expect(html).not.toContain('data-status="failed"');
  });
});
