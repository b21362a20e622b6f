"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { OutcomeButton } from "@/components/ui/outcome-button";
import type { NotificationEvent } from "@/lib/db/outbox";
import { addPersonalChannelAction, deletePersonalChannelAction, savePreferencesAction, sendPersonalTestAction } from "./my-notification-actions";

type ChannelType = "webhook" | "slack" | "discord" | "ntfy" | "email";
type Prefs = { events: string[]; clients: string[] | null; channels: string[] | null; timeZone: string; quietStart: string | null; quietEnd: string | null; digestHour: number | null };

export function PersonalChannelForm() {
  const router = useRouter();
  const [type, setType] = useState<ChannelType>("ntfy");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="Add a channel of your own"
      className="flex flex-wrap items-end gap-2"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const name = String(data.get("name"));
        const address = String(data.get("address"));
        const secret = String(data.get("secret") ?? "");
        const input =
          type === "email"
            ? { type, name, to: address }
            : type === "webhook"
              ? { type, name, url: address, secret }
              : type === "ntfy"
                ? { type, name, url: address, ...(secret ? { token: secret } : {}) }
                : { type, name, url: address };
        const result = await addPersonalChannelAction(input);
        if (!result.ok) return setError(Object.values(result.fieldErrors ?? {})[0]?.[0] ?? result.error);
        setError(null);
        form.reset();
        router.refresh();
      }}
    >
      <Field label="Channel name" htmlFor="own-channel-name">
        <Input id="own-channel-name" name="name" required maxLength={60} placeholder="e.g. my phone" />
      </Field>
      <Field label="Type" htmlFor="own-channel-type">
        <Select id="own-channel-type" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
          <option value="ntfy">ntfy topic</option>
          <option value="webhook">webhook (signed JSON)</option>
          <option value="slack">Slack incoming webhook</option>
          <option value="discord">Discord webhook</option>
          <option value="email">email</option>
        </Select>
      </Field>
      <Field label={type === "email" ? "Address" : "URL"} htmlFor="own-channel-address">
        <Input id="own-channel-address" name="address" required type={type === "email" ? "email" : "url"} />
      </Field>
      {(type === "webhook" || type === "ntfy") && (
        <Field label={type === "webhook" ? "Signing secret" : "Token (optional)"} htmlFor="own-channel-secret">
          <Input id="own-channel-secret" name="secret" type="password" required={type === "webhook"} autoComplete="off" />
        </Field>
      )}
      <Button type="submit">Add channel</Button>
      <FormError message={error} />
    </form>
  );
}

/** "Send a test" to one of the person's own channels; the outcome (or the channel's error) shows beside it. */
export function SendOwnTestButton({ id, name }: { id: string; name: string }) {
  return (
    <OutcomeButton
      label="Send a test"
      busyLabel="Sending…"
      ariaLabel={`Send a test to your channel ${name}`}
      run={async () => {
        const r = await sendPersonalTestAction({ id });
        if (!r.ok) return { ok: false, message: r.error };
        return r.data.ok ? { ok: true, message: "Sent" } : { ok: false, message: r.data.error };
      }}
    />
  );
}

export function DeleteChannelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove your channel “${name}”?`}
      description="It gets no more notifications."
      confirmLabel="Remove channel"
      onConfirm={async () => {
        await deletePersonalChannelAction({ id });
        router.refresh();
      }}
    />
  );
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function PreferencesForm({
  target,
  label,
  initial,
  channels,
  events,
  note,
}: {
  target: string;
  label: string;
  initial: Prefs;
  channels: { id: string; name: string }[] | null;
  events: readonly NotificationEvent[];
  note: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const id = (name: string) => `${target}-${name}`;
  return (
    <form
      aria-label={label}
      className="space-y-3 border-t border-zinc-200 pt-3 dark:border-zinc-800"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const clients = list(String(data.get("clients") ?? ""));
        const chosen = data.getAll("channels").map(String);
        const quietStart = String(data.get("quietStart") ?? "");
        const quietEnd = String(data.get("quietEnd") ?? "");
        const digest = String(data.get("digestHour") ?? "");
        const result = await savePreferencesAction({
          target,
          preferences: {
            events: data.getAll("events").map(String) as NotificationEvent[],
            clients: clients.length ? clients : null,
            channels: channels === null || chosen.length === channels.length ? null : chosen,
            timeZone: String(data.get("timeZone")),
            quietStart: quietStart || null,
            quietEnd: quietEnd || null,
            digestHour: digest === "" ? null : Number(digest),
          },
        });
        if (!result.ok) return setError(Object.values(result.fieldErrors ?? {})[0]?.[0] ?? result.error);
        setError(null);
        setSaved(true);
        router.refresh();
      }}
    >
      <h3 className="text-sm font-medium">{label}</h3>
      {note && <p className="text-xs text-zinc-500">{note}</p>}
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="mb-1 text-xs text-zinc-500">Events</legend>
        {events.map((e) => (
          <label key={e} className="flex min-h-11 items-center gap-1.5 sm:min-h-0">
            <input type="checkbox" name="events" value={e} defaultChecked={initial.events.includes(e)} /> <code className="font-mono text-xs">{e}</code>
          </label>
        ))}
      </fieldset>
      {channels && channels.length > 0 && (
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <legend className="mb-1 text-xs text-zinc-500">On my channels</legend>
          {channels.map((c) => (
            <label key={c.id} className="flex min-h-11 items-center gap-1.5 sm:min-h-0">
              <input type="checkbox" name="channels" value={c.id} defaultChecked={initial.channels === null || initial.channels.includes(c.id)} /> {c.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Clients (slugs, comma-separated; empty: all)" htmlFor={id("clients")}>
          <Input id={id("clients")} name="clients" defaultValue={initial.clients?.join(", ") ?? ""} />
        </Field>
        <Field label="Time zone" htmlFor={id("tz")}>
          <Input id={id("tz")} name="timeZone" defaultValue={initial.timeZone} required placeholder="America/Chicago" />
        </Field>
        <Field label="Quiet from" htmlFor={id("qs")}>
          <Input id={id("qs")} name="quietStart" type="time" defaultValue={initial.quietStart ?? ""} />
        </Field>
        <Field label="to" htmlFor={id("qe")}>
          <Input id={id("qe")} name="quietEnd" type="time" defaultValue={initial.quietEnd ?? ""} />
        </Field>
        <Field label="Delivery" htmlFor={id("digest")}>
          <Select id={id("digest")} name="digestHour" defaultValue={initial.digestHour === null ? "" : String(initial.digestHour)}>
            <option value="">each message</option>
            {Array.from({ length: 24 }, (_, h) => (
              <option key={h} value={String(h)}>
                a daily digest at {String(h).padStart(2, "0")}:00
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit">Save</Button>
      </div>
      <FormError message={error} />
      {saved && !error && (
        <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          Saved.
        </p>
      )}
    </form>
  );
}
