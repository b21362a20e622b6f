"use client";
// "Enable push on this browser": registers the service worker (public/sw.js), subscribes with the server's
// VAPID public key, and hands the subscription to the server, which keeps it as this person's own channel
// and sends a test to it.
import { OutcomeButton } from "@/components/ui/outcome-button";
import { enablePushAction } from "./notification-actions";

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
