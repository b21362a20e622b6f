import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BuiltinCallEntry } from "@/components/runs/builtin-call";

const entry = (data: Parameters<typeof BuiltinCallEntry>[0]["data"]) => renderToStaticMarkup(createElement(BuiltinCallEntry, { data }));

describe("BuiltinCallEntry", () => {
  it("shows a built-in call's name, input and output as text, never as HTML", () => {
    const html = entry({ name: "exec_command", input: JSON.stringify({ command: "cat <script>alert(1)</script>", exitCode: 0 }), output: '<img src=x onerror="alert(1)">', isError: false });
    expect(html).toContain("exec_command");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain('data-status="succeeded"');
  });

  it("marks a failed call and a cut output", () => {
    const html = entry({ name: "Read", input: '{"file_path":"/etc/hostname"}', output: "Permission to read was denied", isError: true, outputTruncated: true, outputChars: 9000 });
    expect(html).toContain('data-status="failed"');
    expect(html).toContain("cut; 9000 characters in all");
    expect(html).toContain("&quot;file_path&quot;: &quot;/etc/hostname&quot;");
  });
});
