import type { Metadata } from "next";
import { NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  await requirePageUser();
  return (
    <>
      <PageHeader title="Pipelines" description="Pipelines declared in the workspace's pipelines folder." />
      <NotBuiltYet what="The pipelines page">It will list each pipelines/*.yaml file with its errors and a run form.</NotBuiltYet>
    </>
  );
}
