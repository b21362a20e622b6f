// The scheduler reads time and sets timers only through a Clock, so tests drive time by hand (a DST
// change, a grace ending) instead of waiting on the wall clock.

export type TimerHandle = { cancel(): void };

export interface Clock {
  now(): number;
  /** calls `fn` once `ms` have passed (by this clock) */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // Node timers cap at about 24.8 days; the scheduler re-plans long before that anyway
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A clock that moves only when told; timers fire in time order as it passes them. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void; seq: number; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(start: Date | number) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), fn, seq: this.seq++, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** The time of the earliest timer still set, or null. */
  nextTimerAt(): number | null {
    const live = this.timers.filter((t) => !t.cancelled);
    return live.length ? Math.min(...live.map((t) => t.at)) : null;
  }

  /** Moves to `to`, firing every timer due on the way (in order, each at its own time). */
  advanceTo(to: Date | number): void {
    const target = typeof to === "number" ? to : to.getTime();
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = Math.max(this.current, target);
  }

  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }
}
