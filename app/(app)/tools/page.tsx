import type { Metadata } from "next";
import { NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Tools" };

export default async function ToolsPage() {
  await requirePageUser();
  return (
    <>
      <PageHeader title="Tools" description="MCP servers and their tools." />
      <NotBuiltYet what="The tools page">It will list the MCP servers from mcp.json with their status and tools.</NotBuiltYet>
    </>
  );
}
