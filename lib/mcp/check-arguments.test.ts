// Tool arguments are checked against the tool's input schema before anything is sent, whichever JSON
// Schema draft the server declares: draft-07 (the default) and 2020-12 (servers built on zod 4, such as
// @playwright/mcp, whose schemas the draft-07 validator refused to compile).
import { describe, expect, it } from "vitest";
import type { Tool } from "@modelcontextprotocol/client";
import { checkArguments } from "@/lib/mcp/send-call";

const schema = { type: "object" as const, properties: { scale: { type: "string", enum: ["css", "device"] } }, required: ["scale"], additionalProperties: false };

describe("checkArguments", () => {
  for (const $schema of [undefined, "http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"]) {
    it(`validates a schema declaring ${$schema ?? "no draft"}`, () => {
      const tool: Tool = { name: `shot-${$schema ?? "none"}`, inputSchema: { ...schema, ...($schema ? { $schema } : {}) } };
      expect(() => checkArguments("playwright", tool, { scale: "css" })).not.toThrow();
      expect(() => checkArguments("playwright", tool, { scale: "huge" })).toThrow(/Invalid arguments for playwright\/shot-.*: scale: must be equal to one of the allowed values/);
      expect(() => checkArguments("playwright", tool, {})).toThrow(/scale/);
    });
  }
});
