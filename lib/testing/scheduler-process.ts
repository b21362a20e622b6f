// A heartbeat scheduler in its own process, on a hand-driven clock, for the test of two processes racing
// for one tick. It starts at CLOCK_START (ms), prints "ready", and on each stdin line "advance <ms>"
// moves its clock there, looks once, and prints "settled <ms>"; "stop" stops it.
import readline from "node:readline";
import { ManualClock } from "@/lib/heartbeats/clock";
import { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";

const clock = new ManualClock(Number(process.env.CLOCK_START));
// no periodic look, no timers of its own that matter: the test moves the clock
const scheduler = await new HeartbeatScheduler({ id: process.env.SCHEDULER_ID, clock, reconcileMs: 86_400_000, beatMs: 3_600_000 }).start();
await scheduler.settle();
console.log("ready");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.startsWith("advance ")) {
    const to = Number(line.slice("advance ".length));
    clock.advanceTo(to);
    scheduler.poke();
    await scheduler.settle();
    console.log(`settled ${to}`);
  } else if (line === "stop") {
    await scheduler.stop();
    process.exit(0);
  }
}
