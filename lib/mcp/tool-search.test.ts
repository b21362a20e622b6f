// What a live "tool" event names for a call made through call_tool, in each runner's spelling of it.
import { describe, expect, it } from "vitest";
import { liveToolName } from "@/lib/mcp/tool-search";

describe("liveToolName", () => {
  it("names the tool a call_tool call reaches, whatever the runner's prefix and however its arguments arrive", () => {
    expect(liveToolName("call_tool", { name: "wp_list_posts", arguments: {} })).toBe("call_tool → wp_list_posts");
    expect(liveToolName("mcp__switchboard__call_tool", { name: "wp__wp_get_post" })).toBe("mcp__switchboard__call_tool → wp__wp_get_post");
    expect(liveToolName("switchboard/call_tool", '{"name":"wp__wp_create_post","arguments":{"title":"x"}}')).toBe("switchboard/call_tool → wp__wp_create_post");
  });

  it("leaves other calls, and a call_tool without a usable name, as they are", () => {
    expect(liveToolName("everything__echo", { name: "not me" })).toBe("everything__echo");
    expect(liveToolName("search_tools", { query: "posts" })).toBe("search_tools");
    expect(liveToolName("call_tool", "{not json")).toBe("call_tool");
    expect(liveToolName("call_tool", { name: 42 })).toBe("call_tool");
    expect(liveToolName("call_tool", null)).toBe("call_tool");
  });
});
