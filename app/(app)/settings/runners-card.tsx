"use client";
// Which agent runners this Switchboard can use, and a button that makes one tiny call through one.
// The statuses come from the server without any key: only whether one is set and an endpoint's host.
import { useQuery } from "@tanstack/react-query";
import { OutcomeButton } from "@/components/ui/outcome-button";
import { Card } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { RunnerOverview } from "@/lib/agents/runner-status";
import { runnerStatusesAction, testRunnerAction } from "./runner-actions";

function TestButton({ runner }: { runner: RunnerOverview["runner"] }) {
  return (
    <OutcomeButton
      label="Test"
      busyLabel="Testing…"
      ariaLabel={`Test ${runner}`}
      run={async () => {
        const r = await testRunnerAction({ runner });
        return r.ok ? { ok: r.data.ok, message: `${r.data.message} in ${(r.data.ms / 1000).toFixed(1)} s` } : { ok: false, message: r.error };
      }}
    />
  );
}

export function RunnersCard() {
  const { data, error, isPending } = useQuery({
    queryKey: ["agent-runners"],
    queryFn: async () => {
      const r = await runnerStatusesAction({});
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
  });
  const runners: RunnerOverview[] = data ?? [];
  return (
    <Card title="Agent runners">
      <p className="mb-3 text-sm text-zinc-500">
        An <code className="font-mono">agent:</code> step names its runner. Runners find their parts in Switchboard&apos;s environment; keys stay there and are never shown. The test makes one tiny call.
      </p>
      {isPending && (
        <p role="status" className="text-sm text-zinc-500">
          Looking for runners…
        </p>
      )}
      {error && <p className="text-sm text-red-700 dark:text-red-400">{error.message}</p>}
      <Table>
        <thead>
          <tr>
            <Th>Runner</Th>
            <Th>Status</Th>
            <Th>Found</Th>
            <Th>Endpoint</Th>
            <Th>
              <span className="sr-only">Test</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {runners.map((r) => (
            <tr key={r.runner} data-runner={r.runner}>
              <Td className="font-mono text-xs">{r.runner}</Td>
              <Td>
                <StatusBadge status={r.usable ? "active" : "not started"} />
                {!r.usable && <span className="sr-only">not usable</span>}
              </Td>
              <Td className="text-xs break-words">
                {r.detail}
                {r.hint && <span className="block text-zinc-500">{r.hint}</span>}
                {r.warning && <span className="block font-medium text-amber-700 dark:text-amber-400">Warning: {r.warning}</span>}
              </Td>
              <Td className="text-xs break-words">
                {r.endpoint ?? "—"}
                {r.endpointAnswers !== null && <span className="block text-zinc-500">{r.endpointAnswers ? "answers" : "does not answer"}</span>}
              </Td>
              <Td>{r.usable && <TestButton runner={r.runner} />}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
