// Settings → Notifications: the team's channels (from notifications.yaml and those kept in Settings), with
// their addresses masked, the file's errors with their lines, a "send a test" button per channel, and the
// latest deliveries. The full log is GET /api/notifications.
import { Card } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { listChannelSummaries, listDeliveries } from "@/lib/notify/delivery-log";
import { vapidKeys } from "@/lib/notify/vapid";
import { DisablePushButton, EnablePushButton } from "./push-button";
import { SendTestButton } from "./send-test-button";

/** Web Push for the signed-in person's browser (every role): the VAPID public key to subscribe with. */
export function PushControl() {
  return (
    <div className="space-y-1">
      <p className="text-sm text-zinc-500">Get notifications on this browser or phone, even when Switchboard is closed; a notification opens its item.</p>
      <div className="flex flex-wrap items-start gap-2">
        <EnablePushButton publicKey={vapidKeys().publicKey} />
        <DisablePushButton />
      </div>
    </div>
  );
}

export async function NotificationsCard() {
  const [{ channels, errors }, log] = await Promise.all([listChannelSummaries(), listDeliveries({ limit: 20 })]);
  return (
    <Card title="Notifications">
      <div id="notifications" className="space-y-4">
        <p className="text-sm text-zinc-500">
          Team channels are declared in the workspace&apos;s <code className="font-mono">notifications.yaml</code> (webhook, slack, discord, ntfy, email; <code className="font-mono">${"{VAR}"}</code> read from
          Switchboard&apos;s environment). Addresses and secrets stay on the server.
        </p>
        <PushControl />
        {errors.length > 0 && (
          <ul className="space-y-1 text-sm text-red-700 dark:text-red-400" aria-label="notifications.yaml errors">
            {errors.map((e) => (
              <li key={e} className="font-mono text-xs break-words">
                {e}
              </li>
            ))}
          </ul>
        )}
        {channels.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No channels yet. Add one to <code className="font-mono">notifications.yaml</code> in the workspace, e.g.{" "}
            <code className="font-mono">
              - {"{"} name: ops, type: ntfy, url: https://ntfy.sh/your-topic, events: [draft.waiting] {"}"}
            </code>
            .
          </p>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Channel</Th>
                <Th>Type</Th>
                <Th>Address</Th>
                <Th>Events</Th>
                <Th>Clients</Th>
                <Th>
                  <span className="sr-only">Test</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.name}>
                  <Td>{c.name}</Td>
                  <Td>
                    {c.type}
                    {c.signed && <span className="ml-1 text-xs text-zinc-500">(signed)</span>}
                  </Td>
                  <Td className="font-mono text-xs">{c.address}</Td>
                  <Td className="text-xs">{c.events.join(", ")}</Td>
                  <Td className="text-xs">{c.clients ? c.clients.join(", ") : "all"}</Td>
                  <Td>
                    <SendTestButton channel={c.name} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <h3 className="text-sm font-medium">Latest deliveries</h3>
        {log.items.length === 0 ? (
          <p className="text-sm text-zinc-500">Nothing sent yet. A draft that waits, a failed run or a heartbeat that turns failing is sent to the channels that take it.</p>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Event</Th>
                <Th>Channel</Th>
                <Th>To</Th>
                <Th>Attempt</Th>
                <Th>Status</Th>
                <Th>Error</Th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((d) => (
                <tr key={d.id}>
                  <Td>
                    <RelativeTime value={d.createdAt} />
                  </Td>
                  <Td className="text-xs">{d.event}</Td>
                  <Td>{d.channel}</Td>
                  <Td className="font-mono text-xs">{d.recipient}</Td>
                  <Td>{d.attempt}</Td>
                  <Td>
                    <StatusBadge status={d.status === "sent" ? "succeeded" : "failed"} />
                  </Td>
                  <Td className="text-xs break-words">{d.error ?? ""}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </Card>
  );
}
