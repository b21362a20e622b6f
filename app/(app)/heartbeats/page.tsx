import type { Metadata } from "next";
import { NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Heartbeats" };

export default async function HeartbeatsPage() {
  await requirePageUser();
  return (
    <>
      <PageHeader title="Heartbeats" description="Scheduled jobs and external pings." />
      <NotBuiltYet what="The heartbeats board">Scheduled pipelines and ping checks arrive with the heartbeats work.</NotBuiltYet>
    </>
  );
}
