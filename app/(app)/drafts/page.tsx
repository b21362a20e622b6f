import type { Metadata } from "next";
import { NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Drafts" };

export default async function DraftsPage() {
  await requirePageUser();
  return (
    <>
      <PageHeader title="Drafts" description="What agents wrote, waiting for a human." />
      <NotBuiltYet what="The drafts inbox">Drafts created by approval steps will be reviewed here.</NotBuiltYet>
    </>
  );
}
