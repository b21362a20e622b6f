import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/markdown";
import { draftPreview, PREVIEW_MAX_CHARS, PREVIEW_MAX_DEPTH } from "@/lib/drafts/preview";
import { nestingDepth } from "@/lib/markdown-nesting";

describe("the draft preview", () => {
  it("renders ordinary markdown whole, with no note", () => {
    const body = "# Title\n\n- one\n  - two\n\n> quoted\n\n<div><p>html</p></div>";
    expect(draftPreview(body)).toEqual({ source: body, plainText: false, note: null });
    expect(nestingDepth(body)).toBeLessThan(5);
  });

  it("shows deeply nested HTML or blockquotes as plain text instead of rendering them", () => {
    for (const body of ["<div>".repeat(4000), `${">".repeat(500)} deep`, "<span><b>".repeat(60)]) {
      const preview = draftPreview(body);
      expect(nestingDepth(body)).toBeGreaterThan(PREVIEW_MAX_DEPTH);
      expect(preview.plainText).toBe(true);
      expect(preview.note).toMatch(/nests more than 100 levels/);
    }
  });

  it("does not count void or self-closing tags as nesting, but counts tags inside a fence an HTML block may swallow", () => {
    expect(nestingDepth("<br><img src=x><hr/>".repeat(500))).toBe(0);
    expect(nestingDepth("```\n" + "> ".repeat(500) + "\n```\n")).toBe(0);
    expect(nestingDepth("<div>\n```\n" + "<div>".repeat(500) + "\n```\n")).toBeGreaterThan(PREVIEW_MAX_DEPTH);
  });

  it("renders the first 64 KB of a long body and says so", () => {
    const paragraph = "word ".repeat(200) + "\n\n";
    const body = paragraph.repeat(Math.ceil((2 * 1024 * 1024) / paragraph.length));
    const preview = draftPreview(body);
    expect(preview.source.length).toBeLessThanOrEqual(PREVIEW_MAX_CHARS);
    expect(preview.source.length).toBeGreaterThan(PREVIEW_MAX_CHARS * 0.75);
    expect(body.startsWith(preview.source)).toBe(true);
    expect(preview.note).toMatch(/first 6\d KB of 20\d\d KB; the whole text is in the source view/);
  });

  it("what passes the depth limit renders without overflowing the stack, and stays sanitized", () => {
    const body = `${"<div>".repeat(PREVIEW_MAX_DEPTH - 1)}<img src=x onerror=alert(1)><script>alert(2)</script>`;
    const preview = draftPreview(body);
    expect(preview.plainText).toBe(false);
    const html = renderToStaticMarkup(createElement(Markdown, { source: preview.source }));
    expect(html).toContain("<img");
    expect(html).not.toMatch(/onerror|<script/i);
  });

  it("the Markdown component itself shows too-deep text as escaped plain text (client memory goes through it too)", () => {
    const html = renderToStaticMarkup(createElement(Markdown, { source: `${"<div>".repeat(5000)}<img src=x onerror=alert(1)>` }));
    expect(html).toContain("shown as plain text");
    expect(html).toContain("&lt;div&gt;&lt;div&gt;");
    expect(html).not.toContain("<img");
  });
});
