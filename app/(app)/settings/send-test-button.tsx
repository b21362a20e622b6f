"use client";
// "Send a test" for one notification channel; the outcome (or the channel's error) shows beside it.
import { OutcomeButton } from "@/components/ui/outcome-button";
import { sendTestNotificationAction } from "./notification-actions";

export function SendTestButton({ channel }: { channel: string }) {
  return (
    <OutcomeButton
      label="Send a test"
      busyLabel="Sending…"
      ariaLabel={`Send a test to ${channel}`}
      run={async () => {
        const r = await sendTestNotificationAction({ channel });
        if (!r.ok) return { ok: false, message: r.error };
        return r.data.ok ? { ok: true, message: "Sent" } : { ok: false, message: r.data.error };
      }}
    />
  );
}
