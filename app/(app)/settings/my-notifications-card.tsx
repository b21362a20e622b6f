// Settings → My notifications, for every signed-in person: their own channels (addresses masked), and
// which events, clients and channels they want, quiet hours in their time zone and a daily digest. An
// admin also edits the defaults that people who have not saved their own receive.
import { Card } from "@/components/ui/card";
import type { SessionUser } from "@/lib/auth/users";
import { NOTIFICATION_EVENTS } from "@/lib/db/outbox";
import { notifyAllowPrivate } from "@/lib/env";
import { DEFAULTS_ID, defaultPreferences, preferencesOf } from "@/lib/notify/preferences";
import { listOwnChannelSummaries } from "@/lib/notify/stored-channels";
import { DeleteChannelButton, PersonalChannelForm, PreferencesForm, SendOwnTestButton } from "./my-notifications-forms";

export async function MyNotificationsCard({ user }: { user: SessionUser }) {
  const [channels, prefs, defaults] = await Promise.all([listOwnChannelSummaries(user.id), preferencesOf(user.id), user.role === "admin" ? defaultPreferences() : null]);
  // tool.changed goes to admins only
  const events = NOTIFICATION_EVENTS.filter((e) => e !== "tool.changed" || user.role === "admin");
  return (
    <Card title="My notifications">
      <div id="my-notifications" className="space-y-4">
        <p className="text-sm text-zinc-500">
          Your own channels get the events you choose below. Addresses and secrets stay on the server.
          {!notifyAllowPrivate() && " A channel's address may not be on this machine or a private network."}
        </p>
        {channels.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You have no channel of your own yet.</p>
        ) : (
          <ul className="space-y-1 text-sm" aria-label="Your channels">
            {channels.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{c.name}</span>
                <span className="text-zinc-500">{c.type}</span>
                <code className="min-w-0 break-all font-mono text-xs">{c.address}</code>
                <SendOwnTestButton id={c.id} name={c.name} />
                <DeleteChannelButton id={c.id} name={c.name} />
              </li>
            ))}
          </ul>
        )}
        <PersonalChannelForm />
        <PreferencesForm target={user.id} label="Your preferences" initial={prefs} channels={channels} events={events} note={prefs.own ? null : "You follow the admins' defaults until you save your own."} />
        {defaults && <PreferencesForm target={DEFAULTS_ID} label="Defaults for people who have not saved their own" initial={defaults} channels={null} events={NOTIFICATION_EVENTS} note={null} />}
      </div>
    </Card>
  );
}
