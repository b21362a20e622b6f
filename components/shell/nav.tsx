"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const NAV_ITEMS = [
  { href: "/", label: "Today" },
  { href: "/clients", label: "Clients" },
  { href: "/pipelines", label: "Pipelines" },
  { href: "/runs", label: "Runs" },
  { href: "/drafts", label: "Drafts" },
  { href: "/heartbeats", label: "Heartbeats" },
  { href: "/tools", label: "Tools" },
  { href: "/settings", label: "Settings" },
] as const;

export function Nav({ badges = {} }: { badges?: Partial<Record<string, number>> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {NAV_ITEMS.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
        const badge = badges[item.href];
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center justify-between gap-2 rounded-md px-2.5 py-1.5 text-sm whitespace-nowrap max-md:min-h-11",
              active ? "bg-zinc-200/70 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-900",
            )}
          >
            {item.label}
            {badge ? (
              <span aria-label={`${badge} pending`} className="rounded-full bg-violet-600 px-1.5 text-xs font-semibold text-white">
                {badge}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
