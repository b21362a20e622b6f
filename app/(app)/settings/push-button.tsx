"use client";
// "Enable push on this browser": registers the service worker (public/sw.js), subscribes with the server's
// VAPID public key, and hands the subscription to the server, which keeps it as this person's own channel
// and sends a test to it. "Disable push on this browser" (after a confirm): the server deletes this
// browser's subscription, then the browser unsubscribes it in the service worker's registration.
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { type Outcome, OutcomeButton, OutcomeStatus } from "@/components/ui/outcome-button";
import { disablePushAction, enablePushAction } from "./notification-actions";

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function subscribe(publicKey: string): Promise<PushSubscriptionJSON> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) throw new Error("This browser cannot receive push notifications (on an iPhone, add Switchboard to the home screen first).");
  if ((await Notification.requestPermission()) !== "granted") throw new Error("Notifications are blocked for this site in the browser's settings.");
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const key = keyBytes(publicKey);
  const existingKey = existing?.options.applicationServerKey ? new Uint8Array(existing.options.applicationServerKey) : null;
  // a subscription made with other VAPID keys (the server's were made again) would be refused: replace it
  if (existing && existingKey && existingKey.length === key.length && existingKey.every((b, i) => b === key[i])) return existing.toJSON();
  await existing?.unsubscribe();
  try {
    return (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })).toJSON();
  } catch (error) {
    // e.g. a private window, where browsers refuse push
    throw new Error(`The browser could not subscribe${error instanceof Error && error.message ? ` (${error.message})` : ""}. In a private window push is not available.`);
  }
}

export function EnablePushButton({ publicKey }: { publicKey: string }) {
  return (
    <OutcomeButton
      label="Enable push on this browser"
      busyLabel="Enabling…"
      run={async () => {
        let json: PushSubscriptionJSON;
        try {
          json = await subscribe(publicKey);
        } catch (error) {
          return { ok: false, message: error instanceof Error ? error.message : "The browser refused to subscribe." };
        }
        const r = await enablePushAction({ endpoint: json.endpoint ?? "", keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" } });
        if (!r.ok) return { ok: false, message: r.error };
        return r.data.ok ? { ok: true, message: "Push is on for this browser; a test was sent." } : { ok: false, message: r.data.error };
      }}
    />
  );
}

async function disablePush(): Promise<Outcome> {
  const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration("/") : undefined;
  const subscription = registration && "pushManager" in registration ? await registration.pushManager.getSubscription() : null;
  if (!subscription) return { ok: false, message: "Push is not on for this browser: there is nothing to disable." };
  // the server first: if it fails, the browser stays subscribed and the two still agree
  const r = await disablePushAction({ endpoint: subscription.endpoint });
  if (!r.ok) return { ok: false, message: r.error };
  try {
    await subscription.unsubscribe();
  } catch {
    return { ok: false, message: "The server forgot this browser, but the browser could not unsubscribe; nothing more is sent to it." };
  }
  return { ok: true, message: r.data.removed ? "Push is off for this browser." : "Push is off for this browser (the server had no subscription for it)." };
}

export function DisablePushButton() {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <div className="space-y-1">
      <ConfirmButton
        label="Disable push on this browser"
        title="Disable push on this browser?"
        description="This browser stops getting Switchboard's notifications. Your other browsers and channels keep theirs."
        confirmLabel="Disable push"
        onConfirm={async () => setOutcome(await disablePush())}
      />
      {outcome && <OutcomeStatus outcome={outcome} />}
    </div>
  );
}
