"use client";
// A button for destructive or irreversible actions: it asks in a dialog before it acts.
import { useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

export function ConfirmButton({
  label,
  title,
  description,
  confirmLabel,
  variant = "danger",
  onConfirm,
  disabled,
}: {
  label: ReactNode;
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  variant?: "danger" | "secondary" | "primary";
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button variant={variant === "danger" ? "secondary" : variant} size="sm" disabled={disabled || busy} onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog ref={dialog} className="m-auto w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100">
        <h2 className="font-semibold">{title}</h2>
        {description && <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>}
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="secondary" size="sm" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button
            variant={variant}
            size="sm"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
              } finally {
                setBusy(false);
                dialog.current?.close();
              }
            }}
          >
            {busy ? "Working…" : confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
