import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StepTaskLine } from "@/components/runs/step-task";

const task = { id: "task-1", server: "jobs", status: "working" as const, statusMessage: "Halfway <b>there</b>", updatedAt: "2026-12-07T05:00:00.000Z" };

describe("StepTaskLine", () => {
  it("shows the task's server, status and the server's latest message as text, live while the step runs", () => {
    const html = renderToStaticMarkup(createElement(StepTaskLine, { task, live: true }));
    expect(html).toContain('aria-label="Task"');
    expect(html).toContain('data-task-status="working"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain("Task on jobs");
    // the message is the server's text: shown escaped, never as markup
    expect(html).toContain("Halfway &lt;b&gt;there&lt;/b&gt;");
    expect(html).toContain("task-1");
  });

  it("names a task that needs input, and is not live once the step ended", () => {
    const html = renderToStaticMarkup(createElement(StepTaskLine, { task: { ...task, status: "input_required", statusMessage: null }, live: false }));
    expect(html).toContain("needs input");
    expect(html).not.toContain("aria-live");
  });
});
