import { describe, expect, it } from "vitest";
import { filterServers } from "@/components/tools/tool-filter";

const tool = (name: string, description = "", title?: string) => ({ name, description, title });
const servers = [
  { name: "wordpress", tools: [tool("wp_create_post", "Creates a new WordPress post"), tool("wp_list_users", "Lists users"), tool("wp_get_media", "Reads one media item")] },
  { name: "firecrawl", tools: [tool("firecrawl_scrape", "Scrape one page into markdown"), tool("firecrawl_search", "Search the web", "Web search")] },
  { name: "broken", tools: [] },
];
const names = (query: string) => filterServers(servers, query).map(({ server, tools }) => `${server.name}: ${tools.map((t) => t.name).join(",")}`);

describe("filterServers", () => {
  it("keeps everything for an empty query", () => {
    expect(names("  ")).toEqual(["wordpress: wp_create_post,wp_list_users,wp_get_media", "firecrawl: firecrawl_scrape,firecrawl_search", "broken: "]);
  });

  it("matches tool names, titles and descriptions case-insensitively; every word must match", () => {
    expect(names("POST")).toEqual(["wordpress: wp_create_post"]);
    expect(names("markdown")).toEqual(["firecrawl: firecrawl_scrape"]);
    expect(names("web search")).toEqual(["firecrawl: firecrawl_search"]);
    expect(names("wordpress users")).toEqual(["wordpress: wp_list_users"]);
  });

  it("a server's name keeps all its tools, and a server with no tools is found by name", () => {
    expect(names("fire")).toEqual(["firecrawl: firecrawl_scrape,firecrawl_search"]);
    expect(names("broken")).toEqual(["broken: "]);
  });

  it("keeps nothing when nothing matches", () => {
    expect(names("zzz-nothing")).toEqual([]);
  });
});
