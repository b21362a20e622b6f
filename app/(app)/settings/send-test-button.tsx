"use client";
// "Send a test" for one notification channel; the outcome (or the channel's error) shows beside it.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { sendTestNotificationAction } from "./notification-actions";

export function SendTestButton({ channel }: { channel: string }) {
  const [state, setState] = useState<{ busy: boolean; ok?: boolean; message?: string }>({ busy: false });
  return (
    <div className="space-y-1">
      <Button
        size="sm"
        variant="secondary"
        disabled={state.busy}
        aria-label={`Send a test to ${channel}`}
        onClick={async () => {
          setState({ busy: true });
          const r = await sendTestNotificationAction({ channel });
          if (!r.ok) setState({ busy: false, ok: false, message: r.error });
          else setState(r.data.ok ? { busy: false, ok: true, message: "Sent" } : { busy: false, ok: false, message: r.data.error });
        }}
      >
        {state.busy ? "Sending…" : "Send a test"}
      </Button>
      {state.message && (
        <p role="status" className={`text-xs break-words ${state.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
          {state.message}
        </p>
      )}
    </div>
  );
}
