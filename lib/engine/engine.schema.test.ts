import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { listRunsQuery } from "@/lib/engine/engine.schema";
import { listDraftsQuery } from "@/lib/drafts/drafts.schema";

describe("list query strings", () => {
  it("reads GET /api/runs's filters, status repeated or comma-separated", () => {
    const q = new URLSearchParams("client=acme&pipeline=blog&status=failed,queued&status=waiting&to=2026-01-02&limit=5&cursor=abc");
    expect(listRunsQuery(q)).toEqual({ clientSlug: "acme", pipeline: "blog", status: ["failed", "queued", "waiting"], from: undefined, to: "2026-01-02", limit: "5", cursor: "abc" });
    expect(listRunsQuery(new URLSearchParams("")).status).toBeUndefined();
    expect(() => listRunsQuery(new URLSearchParams("status=exploded"))).toThrow(ZodError);
  });

  it("reads GET /api/drafts's filters and refuses an unknown status", () => {
    expect(listDraftsQuery(new URLSearchParams("status=pending&client=acme"))).toEqual({ status: "pending", clientSlug: "acme", pipeline: null, limit: undefined, cursor: null });
    expect(listDraftsQuery(new URLSearchParams("status=")).status).toBeNull();
    expect(() => listDraftsQuery(new URLSearchParams("status=maybe"))).toThrow(/status must be one of pending, approved, rejected/);
  });
});
