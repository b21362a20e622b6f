// A worker process with the notification sender, for the sender's kill -9 tests: the run worker opens
// drafts (the events), and the sender sends what the outbox holds. With NOTIFY_POLL_MS the sender polls;
// without it, it makes one pass at start and then sends nothing more (the test kills the process while
// an event waits in the outbox). Prints "ready" once both have started; stops on SIGTERM.
import { Worker } from "@/lib/engine/worker";
import { NotificationSender } from "@/lib/notify/sender";
import { ScriptedRunner } from "@/lib/testing/engine";

const worker = await new Worker({ runner: new ScriptedRunner(), pollMs: 20, leaseMs: 60_000 }).start();
const poll = process.env.NOTIFY_POLL_MS ? Number(process.env.NOTIFY_POLL_MS) : null;
const sender = new NotificationSender({ id: `sender-${process.pid}`, pollMs: poll ?? 0, leaseMs: Number(process.env.NOTIFY_LEASE_MS ?? 120_000) });
if (poll === null) await sender.tick();
else sender.start();
process.on("SIGTERM", () => {
  void Promise.all([sender.stop(), worker.stop({ graceMs: 500 })]).then(() => process.exit(0));
});
console.log("ready");
