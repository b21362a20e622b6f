// Schedulers running in this process, on globalThis (route bundles each get their own module copy), so a
// ping or a pause can make them re-plan at once instead of at their next periodic look.

export interface LocalScheduler {
  poke(): void;
}

const globalForSchedulers = globalThis as unknown as { switchboardLocalSchedulers?: Set<LocalScheduler> };

export function localSchedulers(): Set<LocalScheduler> {
  return (globalForSchedulers.switchboardLocalSchedulers ??= new Set());
}

export function pokeLocalSchedulers(): void {
  for (const scheduler of localSchedulers()) scheduler.poke();
}
