import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration } from "@/lib/format";
import { RelativeTime } from "@/components/ui/time";
import { DueTime, HeartbeatStatus, ResultStrip } from "@/components/heartbeats/heartbeat-bits";
import { heartbeatEvent } from "@/components/heartbeats/heartbeat-events";
import { requirePageUser } from "@/lib/auth/session";
import { getHeartbeatDetail } from "@/lib/heartbeats/queries";
import { isSlug } from "@/lib/workspace/paths";
import { HeartbeatActions } from "../heartbeat-actions";
import { PingUrl } from "./ping-url";

export const metadata: Metadata = { title: "Heartbeat" };
export const dynamic = "force-dynamic";

function EventBadge({ kind }: { kind: string }) {
  const e = heartbeatEvent(kind);
  return (
    <span className="inline-flex items-center gap-1.5">
      <StatusBadge status={e.status} />
      <span className="text-xs">{e.word}</span>
    </span>
  );
}

export default async function HeartbeatPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requirePageUser();
  const { slug } = await params;
  if (!isSlug(slug)) notFound();
  // every signed-in user may run pipelines, so sees the ping URL (a read token never does: GET /api/heartbeats)
  const detail = await getHeartbeatDetail(slug, new Date(), { withPingUrl: true });
  if (!detail) notFound();
  const { summary: h, definition: d, events } = detail;
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {h.name} <HeartbeatStatus item={h} />
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3">
            <span className="font-mono">{h.schedule}</span>
            <span>{h.timezone}</span>
            <span>grace {formatDuration(h.graceMs)}</span>
            {h.client && (
              <Link className="underline" href={`/clients/${h.client}`}>
                {h.client}
              </Link>
            )}
            <span className="font-mono">{d.file}</span>
          </span>
        }
        actions={<HeartbeatActions slug={h.slug} name={h.name} paused={h.status === "paused"} canRun={h.kind === "pipeline"} />}
      />
      {h.lastError && (
        <p role="alert" className="mb-4 text-sm break-words text-red-700 dark:text-red-400">
          Last error: {h.lastError}
        </p>
      )}
      <div className="mb-5 grid gap-5 md:grid-cols-3">
        <Card title="Next due">
          <DueTime iso={h.nextDueAt} timeZone={h.timezone} />
        </Card>
        <Card title="Last signal">
          <RelativeTime value={h.lastSignalAt} />
        </Card>
        <Card title="Last results">
          <ResultStrip results={h.results} label={h.name} />
        </Card>
      </div>
      <Card title={h.kind === "ping" ? "Ping URL" : "Ping URL (optional for a scheduled pipeline)"} className="mb-5">
        <PingUrl slug={h.slug} url={h.pingUrl} cron={h.kind === "ping" && h.schedule.includes(" ") ? h.schedule : null} isAdmin={user.role === "admin"} />
      </Card>
      {h.kind === "pipeline" && (
        <p className="mb-4 text-sm text-zinc-500">
          Runs{" "}
          <Link className="underline" href={`/pipelines/${d.pipelineSlug}`}>
            {d.pipelineSlug}
          </Link>
          ; after downtime {d.catchUp === "one" ? "one catch-up run" : "no catch-up run"}
          {d.when && (
            <>
              ; only when <span className="font-mono">{d.when}</span> returns something
            </>
          )}
          {d.onFailure && (
            <>
              ; on failure or lateness runs{" "}
              <Link className="underline" href={`/pipelines/${d.onFailure}`}>
                {d.onFailure}
              </Link>{" "}
              once per incident
            </>
          )}
          .
        </p>
      )}
      <h2 className="mb-3 text-sm font-semibold">History</h2>
      {events.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing recorded yet: {h.kind === "ping" ? "no ping has arrived." : "the first tick has not come."}</p>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>What</Th>
              <Th>When</Th>
              <Th>Due</Th>
              <Th>Duration</Th>
              <Th>Details</Th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-event={e.kind}>
                <Td className="whitespace-nowrap">
                  <EventBadge kind={e.kind} />
                </Td>
                <Td className="whitespace-nowrap">
                  <RelativeTime value={e.at} />
                </Td>
                <Td className="whitespace-nowrap text-xs">{e.dueAt ? <DueTime iso={e.dueAt} timeZone={h.timezone} /> : "—"}</Td>
                <Td className="whitespace-nowrap">{formatDuration(e.durationMs)}</Td>
                <Td className="text-xs">
                  {e.exitCode !== null && <span className="mr-2 font-mono">exit {e.exitCode}</span>}
                  {e.runId && (
                    <Link className="mr-2 underline" href={`/runs/${e.runId}`}>
                      run
                    </Link>
                  )}
                  {e.message && <span className="break-words whitespace-pre-wrap">{e.message.length > 500 ? `${e.message.slice(0, 500)}…` : e.message}</span>}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
