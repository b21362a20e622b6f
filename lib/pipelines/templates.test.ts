import { describe, expect, it } from "vitest";
import { checkTemplateRef, findTemplates, renderArgs, renderTemplate, TemplateError, type TemplateContext, type TemplateScope } from "@/lib/pipelines/templates";

const ctx: TemplateContext = {
  inputs: { keyword: "seo tips", count: 3, draft: true },
  client: { slug: "acme", name: "Acme Inc", folder: "/ws/clients/acme" },
  steps: {
    research: { text: "found {{ inputs.keyword }} here", json: { items: [{ title: "A" }, { title: "B" }], total: 2 }, isError: false },
    review: { title: "Approved title", body: "Approved body", text: "Approved body", version: 2 },
  },
};

describe("renderTemplate", () => {
  it("interpolates inputs, client fields and step outputs", () => {
    expect(renderTemplate("Post about {{ inputs.keyword }} for {{client.name}} in {{ client.folder }}/x.md", ctx)).toBe("Post about seo tips for Acme Inc in /ws/clients/acme/x.md");
    expect(renderTemplate("{{ steps.research.json.items.1.title }} of {{ steps.research.json.total }}", ctx)).toBe("B of 2");
    expect(renderTemplate("{{ steps.review.title }}: {{ steps.review.body }}", ctx)).toBe("Approved title: Approved body");
  });

  it("keeps a substituted value that contains {{ }} as literal text (one pass)", () => {
    expect(renderTemplate("got: {{ steps.research.text }}", ctx)).toBe("got: found {{ inputs.keyword }} here");
  });

  it("renders objects as JSON inside text and missing optional inputs as empty", () => {
    expect(renderTemplate("{{ steps.research.json.items.0 }}", ctx)).toBe('{"title":"A"}');
    expect(renderTemplate("[{{ inputs.missing }}]", ctx)).toBe("[]");
  });

  it("refuses __proto__, constructor and prototype, and never reads inherited properties", () => {
    expect(() => renderTemplate("{{ steps.research.json.__proto__ }}", ctx)).toThrow(TemplateError);
    expect(() => renderTemplate("{{ steps.research.constructor }}", ctx)).toThrow(/not allowed/);
    expect(() => renderTemplate("{{ steps.research.json.items.prototype }}", ctx)).toThrow(/not allowed/);
    expect(() => renderTemplate("{{ steps.research.json.hasOwnProperty }}", ctx)).toThrow(/no value/);
    expect(() => renderTemplate("{{ steps.research.json.items.length }}", ctx)).toThrow(/no value/);
  });

  it("never evaluates: expressions are errors, not code", () => {
    expect(() => renderTemplate("{{ inputs.count + 1 }}", ctx)).toThrow(/not a lookup/);
    expect(() => renderTemplate("{{ process.exit() }}", ctx)).toThrow(/not a lookup/);
    expect(renderTemplate("{ not a template } {{ unclosed", ctx)).toBe("{ not a template } {{ unclosed");
  });

  it("fails clearly when a step output lacks a path or the run has no client", () => {
    expect(() => renderTemplate("{{ steps.research.json.nope }}", ctx)).toThrow("{{ steps.research.json.nope }} has no value in this run");
    expect(() => renderTemplate("{{ client.slug }}", { ...ctx, client: null })).toThrow(/no client/);
  });
});

describe("renderArgs", () => {
  it("keeps the type of a whole-value template and interpolates the rest", () => {
    const args = renderArgs({ n: "{{ inputs.count }}", flag: "{{ inputs.draft }}", list: "{{ steps.research.json.items }}", label: "n={{ inputs.count }}", nested: { a: ["{{ client.slug }}", 5] } }, ctx);
    expect(args).toEqual({ n: 3, flag: true, list: [{ title: "A" }, { title: "B" }], label: "n=3", nested: { a: ["acme", 5] } });
  });

  it("drops an argument whose optional input was not given", () => {
    expect(renderArgs({ a: "{{ inputs.missing }}", b: "x" }, ctx)).toEqual({ b: "x" });
  });

  it("copies values, so a later change to the output cannot alter sent arguments", () => {
    const args = renderArgs({ list: "{{ steps.research.json.items }}" }, ctx) as { list: { title: string }[] };
    args.list[0].title = "changed";
    expect((ctx.steps.research.json as { items: { title: string }[] }).items[0].title).toBe("A");
  });

  it("keeps a __proto__ argument name as a plain own key", () => {
    const raw = JSON.parse('{"__proto__": {"polluted": "{{ inputs.keyword }}"}}') as Record<string, unknown>;
    const out = renderArgs(raw, ctx) as Record<string, unknown>;
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("checkTemplateRef", () => {
  const scope: TemplateScope = {
    inputs: new Set(["keyword"]),
    earlierSteps: new Map([
      ["research", "tool"],
      ["review", "approval"],
    ]),
    allSteps: new Set(["research", "review", "publish", "later"]),
  };
  const check = (ref: string) => {
    const [t] = findTemplates(`{{ ${ref} }}`);
    return "error" in t ? t.error : checkTemplateRef(t.path, scope);
  };

  it("accepts known references", () => {
    for (const ref of ["inputs.keyword", "client.folder", "steps.research.text", "steps.research.json.a.b", "steps.review.title", "steps.review.body"]) {
      expect(check(ref)).toBeNull();
    }
  });

  it("names what is wrong", () => {
    expect(check("inputs.nope")).toMatch(/unknown input "nope"/);
    expect(check("steps.later.text")).toMatch(/runs later/);
    expect(check("steps.ghost.text")).toMatch(/no step "ghost"/);
    expect(check("steps.research.title")).toMatch(/only set by approval steps/);
    expect(check("steps.research.text.x")).toMatch(/only .json has fields/);
    expect(check("client.password")).toMatch(/client has slug, name, folder/);
    expect(check("env.SECRET")).toMatch(/templates read/);
    expect(check("steps.research.json.__proto__")).toMatch(/not allowed/);
  });
});
