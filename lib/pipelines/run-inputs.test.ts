import { describe, expect, it } from "vitest";
import { parsePipelineText } from "@/lib/pipelines/load-pipelines";
import { inputsFromForm, parseRunInputs } from "@/lib/pipelines/run-inputs";
import { ZRunRequest } from "@/lib/pipelines/run-inputs.schema";

const def = parsePipelineText(
  "form",
  `name: Form
inputs:
  page: { type: string, required: true, label: Page URL }
  notes: { type: text }
  count: { type: number, default: 3 }
  publish: { type: boolean, default: false }
  tone: { type: select, options: [friendly, { value: formal, label: Formal (Sie) }], default: friendly }
steps:
  - id: a
    tool: everything/echo
`,
).definition!;

describe("parseRunInputs", () => {
  it("types form strings and applies defaults", () => {
    expect(parseRunInputs(def.inputs, { page: "https://example.com", count: "7", publish: "on", notes: "" })).toEqual({
      ok: true,
      values: { page: "https://example.com", count: 7, publish: true, tone: "friendly" },
    });
    expect(parseRunInputs(def.inputs, { page: "x", count: 2, publish: false, tone: "formal" })).toEqual({
      ok: true,
      values: { page: "x", count: 2, publish: false, tone: "formal" },
    });
  });

  it("gives one clear message per field", () => {
    const result = parseRunInputs(def.inputs, { page: "  ", count: "many", publish: "perhaps", tone: "rude", extra: 1 });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        page: "Page URL is required",
        count: "count must be a number",
        publish: "publish must be true or false",
        tone: "tone must be one of: friendly, formal",
        extra: 'this pipeline has no input "extra"',
      },
    });
    expect(parseRunInputs(def.inputs, {})).toEqual({ ok: false, fieldErrors: { page: "Page URL is required" } });
    expect(parseRunInputs(def.inputs, "nope")).toEqual({ ok: false, fieldErrors: { _: "inputs must be an object of name: value" } });
    expect(parseRunInputs(def.inputs, { page: "a\nb" })).toMatchObject({ ok: false, fieldErrors: { page: "Page URL must be a single line" } });
  });

  it("reads a form: an unticked checkbox is false, other fields are ignored", () => {
    const form = new FormData();
    form.set("page", "/about");
    form.set("count", "4");
    form.set("csrf", "ignored");
    expect(parseRunInputs(def.inputs, inputsFromForm(def.inputs, form))).toEqual({
      ok: true,
      values: { page: "/about", count: 4, publish: false, tone: "friendly" },
    });
  });
});

describe("ZRunRequest (POST /api/runs and the run form's action)", () => {
  it("takes the API's JSON and the form's strings alike", () => {
    expect(ZRunRequest.parse({ pipeline: "form", client: "acme", inputs: { page: "/x", count: 2 } })).toEqual({ pipeline: "form", client: "acme", inputs: { page: "/x", count: 2 } });
    expect(ZRunRequest.parse({ pipeline: "form", client: null, inputs: { page: "/x", count: "2", publish: "true" } }).inputs).toEqual({ page: "/x", count: "2", publish: "true" });
    expect(ZRunRequest.parse({ pipeline: "form" })).toEqual({ pipeline: "form" });
  });

  it("refuses a request without a pipeline or with inputs that are not an object", () => {
    expect(ZRunRequest.safeParse({ pipeline: "" }).error?.issues[0]?.message).toBe("Choose a pipeline");
    expect(ZRunRequest.safeParse({ pipeline: "form", inputs: ["page"] }).error?.issues[0]?.message).toBe("inputs must be an object of name: value");
  });
});
