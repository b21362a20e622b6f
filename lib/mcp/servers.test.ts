import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMcpPool } from "@/lib/mcp/pool";
import { listMcpServers } from "@/lib/mcp/servers";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";

beforeAll(() => writeMcpJson({ everything: { command: "node", args: [EVERYTHING, "stdio"] } }));
afterAll(() => getMcpPool().shutdown());

describe("listMcpServers", () => {
  it("starts servers for an admin's connect=1 only; an operator's lists what runs", async () => {
    const status = async (role: string) => (await listMcpServers(true, { role })).servers.find((s) => s.name === "everything")?.status;
    expect(await status("operator")).toBe("not started");
    expect(getMcpPool().childPids()).toEqual([]);
    expect(await status("admin")).toBe("connected");
    expect((await listMcpServers(false, { role: "operator" })).servers.find((s) => s.name === "everything")?.tools.length).toBeGreaterThan(0);
  });
});
