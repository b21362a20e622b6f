"use client";
// The sidebar's links on a phone: a "Menu" button that shows and hides them (a disclosure, so a screen
// reader hears "expanded"/"collapsed"). Escape closes it and returns focus to the button; following a
// link closes it. From md up the panel is always shown and the button is hidden.
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export function SidebarMenu({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const panelId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const [shownFor, setShownFor] = useState(pathname);
  // a new page closes the menu (adjusting state during render, not in an effect)
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <div className="flex items-center justify-between md:mb-4 md:block">
        {brand}
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="inline-flex h-11 min-w-11 items-center justify-center gap-2 rounded-md px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          <svg aria-hidden="true" width="18" height="18" viewBox="0 0 18 18" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
            {open ? <path d="M4 4l10 10M14 4L4 14" /> : <path d="M2.5 4.5h13M2.5 9h13M2.5 13.5h13" />}
          </svg>
          Menu
        </button>
      </div>
      <div id={panelId} className={cn("md:block", open ? "block" : "hidden")}>
        {children}
      </div>
    </>
  );
}
