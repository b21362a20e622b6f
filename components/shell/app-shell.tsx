import Link from "next/link";
import type { ReactNode } from "react";
import { Nav } from "@/components/shell/nav";
import { SidebarMenu } from "@/components/shell/sidebar-menu";
import { SignOutButton } from "@/components/shell/sign-out-button";
import type { SessionUser } from "@/lib/auth/users";

export function AppShell({ user, badges, children }: { user: SessionUser; badges?: Partial<Record<string, number>>; children: ReactNode }) {
  const pending = badges?.["/drafts"];
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      {/* the aside stretches to the page's full height (its background and border with it); its content sticks to the viewport */}
      <aside className="border-b border-zinc-200 bg-white md:w-56 md:shrink-0 md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-950">
        <div className="relative px-3 py-2 md:sticky md:top-0 md:h-screen md:py-3">
          <SidebarMenu
            brand={
              <Link href="/" className="flex min-h-11 items-center gap-2 px-2 font-semibold md:min-h-0">
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src="/icon.svg" alt="" width={20} height={20} />
                Switchboard
                {pending ? (
                  <span aria-label={`${pending} drafts pending`} className="rounded-full bg-violet-600 px-1.5 text-xs font-semibold text-white md:hidden">
                    {pending}
                  </span>
                ) : null}
              </Link>
            }
          >
            <div className="mt-2 md:mt-0">
              <Nav badges={badges} />
            </div>
            <div className="mt-3 flex items-center justify-between gap-2 border-t border-zinc-200 pt-3 pb-1 md:absolute md:right-3 md:bottom-3 md:left-3 md:block md:pb-0 dark:border-zinc-800">
              <div className="min-w-0 px-2 text-xs">
                <p className="truncate font-medium" data-testid="signed-in-user">
                  {user.email}
                </p>
                <p className="text-zinc-500">{user.role}</p>
              </div>
              <SignOutButton />
            </div>
          </SidebarMenu>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-7">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
