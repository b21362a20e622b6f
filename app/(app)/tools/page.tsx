import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import type { Serialized } from "@/components/serialized";
import { requirePageUser } from "@/lib/auth/session";
import { listRecentAdHocCalls } from "@/lib/engine/adhoc-calls";
import { listMcpServers } from "@/lib/mcp/servers";
import { RecentCalls } from "./recent-calls";
import { ToolsBoard } from "./tools-board";

export const metadata: Metadata = { title: "Tools" };

export default async function ToolsPage() {
  const user = await requirePageUser();
  // render what is known at once; the board then connects every server and fills in tools
  const initial = JSON.parse(JSON.stringify(await listMcpServers(false, user))) as Serialized<Awaited<ReturnType<typeof listMcpServers>>>;
  const calls = JSON.parse(JSON.stringify(await listRecentAdHocCalls(10))) as Serialized<Awaited<ReturnType<typeof listRecentAdHocCalls>>>;
  return (
    <>
      <PageHeader title="Tools" description="MCP servers from the workspace's mcp.json and clients' .mcp.json files. Servers are changed in those files, never here." />
      <div className="space-y-4">
        <ToolsBoard initial={initial} isAdmin={user.role === "admin"} />
        <RecentCalls calls={calls} />
      </div>
    </>
  );
}
