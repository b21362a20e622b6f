import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { workspaceDir } from "@/lib/env";
import { getPipeline, listPipelines, parsePipelineText, requireValidPipeline } from "@/lib/pipelines/load-pipelines";
import { pipelineNeedsClient } from "@/lib/pipelines/check-pipeline";

const dir = () => path.join(workspaceDir(), "pipelines");
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir(), name), text);

const BLOG = `name: Blog post
description: Research, draft, review, publish
clients: [acme]
inputs:
  keyword: { type: string, required: true, label: Target keyword }
concurrency: 1
steps:
  - id: research
    tool: dataforseo/keyword_ideas
    args: { keyword: "{{ inputs.keyword }}", limit: 5 }
  - id: draft
    agent:
      runner: claude-code
      prompt: "Write a post about {{ inputs.keyword }} using {{ steps.research.text }}"
      tools: [firecrawl/*]
  - id: review
    approval: { title: "{{ inputs.keyword }}", body: "{{ steps.draft.text }}" }
  - id: publish
    tool: wordpress/create_post
    args: { title: "{{ steps.review.title }}", content: "{{ steps.review.body }}" }
schedule:
  cron: "0 2 * * *"
  timezone: America/Chicago
  grace: 30m
  client: acme
  inputs: { keyword: nightly }
`;

beforeEach(() => {
  fs.rmSync(dir(), { recursive: true, force: true });
  fs.mkdirSync(dir(), { recursive: true });
});

describe("parsePipelineText", () => {
  it("accepts the pipeline from INTERFACES.md", () => {
    const entry = parsePipelineText("blog", BLOG);
    expect(entry.errors).toEqual([]);
    expect(entry.valid).toBe(true);
    expect(entry.definition?.steps.map((s) => s.id)).toEqual(["research", "draft", "review", "publish"]);
    expect(entry.definition?.inputs.keyword).toMatchObject({ type: "string", required: true });
    expect(entry.definition?.slug).toBe("blog");
  });

  it("names file, line and field", () => {
    const text = BLOG.replace("tool: wordpress/create_post", "tool: wordpress");
    const entry = parsePipelineText("blog", text);
    expect(entry.valid).toBe(false);
    expect(entry.errors).toEqual(["pipelines/blog.yaml:19 steps[3].tool: expected <server>/<tool>"]);
  });

  it("reports unknown keys, missing kinds and duplicate ids with their lines", () => {
    const text = `name: X
setps: []
steps:
  - id: a
    tool: s/t
  - id: b
  - id: a
    approval: { title: t, body: b }
`;
    const { errors } = parsePipelineText("x", text);
    expect(errors).toContain('pipelines/x.yaml:2 setps: unknown key "setps"');
    expect(errors).toContain("pipelines/x.yaml:6 steps[1]: a step needs exactly one of tool, agent or approval");
    expect(errors).toContain('pipelines/x.yaml:7 steps[2].id: the step id "a" is used twice');
  });

  it("checks template references at validation time", () => {
    const text = `name: Refs
inputs:
  page: { type: string }
steps:
  - id: one
    tool: everything/echo
    args: { message: "{{ inputs.nope }} {{ steps.two.text }}" }
  - id: two
    tool: everything/echo
    args:
      message: "{{ steps.one.title }}"
  - id: three
    approval: { title: "{{ steps.one.json.__proto__ }}", body: "{{ steps.one.text | upper }}" }
`;
    const { errors } = parsePipelineText("refs", text);
    expect(errors).toEqual([
      expect.stringMatching(/^pipelines\/refs\.yaml:7 steps\[0\]\.args\.message: unknown input "nope"/),
      expect.stringMatching(/^pipelines\/refs\.yaml:7 steps\[0\]\.args\.message: .*step "two" runs later/),
      expect.stringMatching(/^pipelines\/refs\.yaml:11 steps\[1\]\.args\.message: .*only set by approval steps; "one" is a tool step/),
      expect.stringMatching(/^pipelines\/refs\.yaml:13 steps\[2\]\.approval\.title: "__proto__" is not allowed/),
      expect.stringMatching(/^pipelines\/refs\.yaml:13 steps\[2\]\.approval\.body: .*is not a lookup/),
    ]);
  });

  it("validates cron, timezone, inputs and agent steps", () => {
    const text = `name: Sched
inputs:
  kind: { type: select, options: [a, b], default: c }
  n: { type: number, default: "x" }
steps:
  - id: a
    agent: { runner: gpt, prompt: hi }
schedule:
  cron: "0 25 * * *"
  timezone: Mars/Olympus
`;
    const { errors } = parsePipelineText("sched", text);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pipelines\/sched\.yaml:3 inputs\.kind\.default: the default must be one of the options/),
        expect.stringMatching(/^pipelines\/sched\.yaml:4 inputs\.n\.default: the default must be a number/),
        expect.stringMatching(/^pipelines\/sched\.yaml:7 steps\[0\]\.agent\.runner: expected one of claude-code/),
      ]),
    );
    const fixed = parsePipelineText("sched", text.replace("default: c", "default: a").replace('default: "x"', "default: 2").replace("runner: gpt", "runner: codex"));
    expect(fixed.errors).toEqual([
      'pipelines/sched.yaml:10 schedule.timezone: "Mars/Olympus" is not an IANA timezone (e.g. America/Chicago, Europe/Berlin, UTC)',
      'pipelines/sched.yaml:9 schedule.cron: invalid cron "0 25 * * *": Invalid value for hour: 25',
    ]);
  });

  it("reports malformed YAML with its line", () => {
    const { errors } = parsePipelineText("bad", "name: X\nsteps:\n  - id: a\n    tool: [unclosed\n");
    expect(errors[0]).toMatch(/^pipelines\/bad\.yaml:\d+ YAML: /);
    expect(parsePipelineText("dup", "name: X\nname: Y\nsteps: []\n").errors[0]).toMatch(/^pipelines\/dup\.yaml:2 YAML: .*unique/i);
    expect(parsePipelineText("list", "- a\n- b\n").errors).toEqual(["pipelines/list.yaml:1 expected a map with at least name and steps"]);
  });

  it("knows when a pipeline needs a client", () => {
    expect(pipelineNeedsClient(parsePipelineText("a", "name: A\nsteps:\n  - id: w\n    tool: files/write_file\n    args: { path: '{{ client.folder }}/x' }\n").definition!)).toBe(true);
    expect(pipelineNeedsClient(parsePipelineText("b", "name: B\nsteps:\n  - id: w\n    tool: everything/echo\n").definition!)).toBe(false);
  });
});

describe("listPipelines", () => {
  it("lists every file; a broken one never hides the others", () => {
    write("blog.yaml", BLOG);
    write("broken.yaml", "name: [\n");
    write("Bad Name.yaml", "name: X\nsteps: [{ id: a, tool: s/t }]\n");
    const list = listPipelines();
    expect(list.map((p) => [p.slug, p.valid])).toEqual([
      ["Bad Name", false],
      ["blog", true],
      ["broken", false],
    ]);
    expect(list[0].errors[0]).toMatch(/file name must be a slug/);
  });

  it("refuses a file over the size limit with a clear error", () => {
    write("huge.yaml", `name: Huge\ndescription: "${"x".repeat(5 * 1024 * 1024)}"\nsteps: [{ id: a, tool: s/t }]\n`);
    const entry = getPipeline("huge");
    expect(entry?.valid).toBe(false);
    expect(entry?.errors[0]).toMatch(/pipelines\/huge\.yaml the file is 5121 KB; a pipeline file may be at most 256 KB/);
  });

  it("sees an edited or added file without a restart", () => {
    write("echo.yaml", "name: One\nsteps: [{ id: a, tool: s/t }]\n");
    expect(getPipeline("echo")?.definition?.name).toBe("One");
    write("echo.yaml", "name: Two, edited\nsteps: [{ id: a, tool: s/t }]\n");
    expect(getPipeline("echo")?.definition?.name).toBe("Two, edited");
    write("new.yaml", "name: New\nsteps: [{ id: a, tool: s/t }]\n");
    expect(listPipelines().map((p) => p.slug)).toEqual(["echo", "new"]);
  });

  it("refuses a symlink that leads out of the workspace", () => {
    const outside = path.join(path.dirname(workspaceDir()), "outside.yaml");
    fs.writeFileSync(outside, "name: Outside\nsteps: [{ id: a, tool: s/t }]\n");
    fs.symlinkSync(outside, path.join(dir(), "link.yaml"));
    expect(getPipeline("link")?.valid).toBe(false);
    expect(getPipeline("../x")).toBeNull();
    expect(() => requireValidPipeline("link")).toThrow(/has errors/);
    expect(() => requireValidPipeline("nope")).toThrow(/No pipeline "nope"/);
  });
});
