import type { Metadata } from "next";
import { NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage() {
  await requirePageUser();
  return (
    <>
      <PageHeader title="Runs" description="Every run, live and past." />
      <NotBuiltYet what="Run history">Runs appear here once pipelines can run.</NotBuiltYet>
    </>
  );
}
