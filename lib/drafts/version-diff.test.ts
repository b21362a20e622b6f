import { describe, expect, it } from "vitest";
import { diffVersions, type DiffBlock } from "@/lib/drafts/version-diff";

const lines = (n: number, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join("\n");
const blocks = (d: ReturnType<typeof diffVersions>): DiffBlock[] => {
  if ("tooLarge" in d) throw new Error("expected a diff");
  return d.blocks;
};

describe("diffing two draft versions", () => {
  it("shows which words of a changed line changed", () => {
    const d = diffVersions({ title: "Post", body: "The quick fox jumps." }, { title: "Post", body: "The slow fox jumps." });
    const changed = blocks(d).find((b) => b.kind === "changed");
    expect(changed).toBeDefined();
    if (changed?.kind !== "changed") return;
    expect(changed.words.filter((w) => w.kind === "removed").map((w) => w.text.trim())).toEqual(["quick"]);
    expect(changed.words.filter((w) => w.kind === "added").map((w) => w.text.trim())).toEqual(["slow"]);
  });

  it("includes the title, counts lines, and folds long unchanged stretches around a change", () => {
    const before = `${lines(100)}\nmiddle\n${lines(100, "tail")}`;
    const after = `${lines(100)}\nMIDDLE edited\nnew line\n${lines(100, "tail")}`;
    const d = diffVersions({ title: "Old", body: before }, { title: "New", body: after });
    if ("tooLarge" in d) throw new Error("expected a diff");
    expect(d.removed).toBe(2);
    expect(d.added).toBe(3);
    const folded = d.blocks.filter((b) => b.kind === "folded");
    expect(folded.length).toBeGreaterThanOrEqual(2);
    const shown = d.blocks.map((b) => (b.kind === "same" || b.kind === "added" || b.kind === "removed" ? b.text : b.kind === "changed" ? b.words.map((w) => w.text).join("") : "")).join("");
    expect(shown).toContain("line 100");
    expect(shown).not.toContain("line 50\n");
  });

  it("gives an empty diff for identical versions", () => {
    const d = diffVersions({ title: "T", body: "same" }, { title: "T", body: "same" });
    if ("tooLarge" in d) throw new Error("expected a diff");
    expect(d.added + d.removed).toBe(0);
    expect(d.blocks.every((b) => b.kind === "same" || b.kind === "folded")).toBe(true);
  });
});
