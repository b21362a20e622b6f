import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageUser } from "@/lib/auth/session";
import { countPendingDrafts } from "@/lib/drafts/counts";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  const pending = await countPendingDrafts();
  return (
    <AppShell user={user} badges={{ "/drafts": pending }}>
      {children}
    </AppShell>
  );
}
