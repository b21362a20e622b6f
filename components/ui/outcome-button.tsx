"use client";
// A button that runs one action and shows its outcome beside it (a status line, green or red): the
// runner test, a channel's "send a test" and "enable push" share it; "disable push" (behind a confirm)
// shows its outcome with the same status line.
import { useState } from "react";
import { Button } from "@/components/ui/button";

export type Outcome = { ok: boolean; message: string };

export function OutcomeButton({ label, busyLabel, ariaLabel, run }: { label: string; busyLabel: string; ariaLabel?: string; run: () => Promise<Outcome> }) {
  const [state, setState] = useState<{ busy: boolean; outcome?: Outcome }>({ busy: false });
  return (
    <div className="space-y-1">
      <Button
        size="sm"
        variant="secondary"
        disabled={state.busy}
        aria-label={ariaLabel}
        onClick={async () => {
          setState({ busy: true });
          setState({ busy: false, outcome: await run() });
        }}
      >
        {state.busy ? busyLabel : label}
      </Button>
      {state.outcome && <OutcomeStatus outcome={state.outcome} />}
    </div>
  );
}

/** An action's outcome as a status line: green when it worked, red with its error when not. */
export function OutcomeStatus({ outcome }: { outcome: Outcome }) {
  return (
    <p role="status" className={`text-xs break-words ${outcome.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
      {outcome.message}
    </p>
  );
}
