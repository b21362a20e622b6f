import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { HeartbeatBoard } from "./heartbeat-board";

export const metadata: Metadata = { title: "Heartbeats" };
export const dynamic = "force-dynamic";

export default async function HeartbeatsPage() {
  await requirePageUser();
  const initial = await listHeartbeatSummaries();
  return (
    <>
      <PageHeader title="Heartbeats" description="Scheduled pipelines and jobs that ping from elsewhere: failing and late first." />
      <HeartbeatBoard initial={initial} />
    </>
  );
}
