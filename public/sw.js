// Switchboard's service worker: shows a Web Push message ({ title, text, url }, sent by lib/notify/channels.ts)
// as a notification, and opens its item on a click (through sign-in when the browser has no session).
// It holds no secrets and is served without a session (proxy.ts).
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { text: event.data ? event.data.text() : "" };
  }
  const title = typeof message.title === "string" && message.title ? message.title : "Switchboard";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.text === "string" ? message.text : "",
      tag: typeof message.tag === "string" ? message.tag : undefined,
      icon: "/icon-192.png",
      data: { url: typeof message.url === "string" ? message.url : "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "/", self.location.origin);
  // only this site's pages: a message never sends the browser elsewhere
  const url = target.origin === self.location.origin ? target.href : self.location.origin;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
