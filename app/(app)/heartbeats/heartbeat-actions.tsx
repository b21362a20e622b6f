"use client";
// Pause, resume and run now, for operators and admins; the board and the heartbeat page share them.
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { queryKeys } from "@/components/query-keys";
import { pauseHeartbeatAction, resumeHeartbeatAction, runHeartbeatNowAction } from "./actions";

export function HeartbeatActions({ slug, name, paused, canRun }: { slug: string; name: string; paused: boolean; canRun: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function act(action: (input: { slug: string }) => Promise<{ ok: true } | { ok: false; error: string }>, done: string) {
    setBusy(true);
    setMessage(null);
    try {
      const result = await action({ slug });
      setMessage(result.ok ? { ok: true, text: done } : { ok: false, text: result.error });
      await queryClient.invalidateQueries({ queryKey: queryKeys.heartbeats() });
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      {paused ? (
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => act(resumeHeartbeatAction, "Resumed")} aria-label={`Resume ${name}`}>
          Resume
        </Button>
      ) : (
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => act(pauseHeartbeatAction, "Paused")} aria-label={`Pause ${name}`}>
          Pause
        </Button>
      )}
      {canRun && (
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => act(runHeartbeatNowAction, "Run queued")} aria-label={`Run ${name} now`}>
          Run now
        </Button>
      )}
      {message && (
        <span role={message.ok ? "status" : "alert"} className={message.ok ? "text-xs text-zinc-500" : "text-xs text-red-600 dark:text-red-400"}>
          {message.text}
        </span>
      )}
    </span>
  );
}
