const hooks: (() => Promise<void>)[] = [];

/** Work that must run last at shutdown, after the adapters closed (e.g. flushing telemetry). */
export function onShutdown(hook: () => Promise<void>): void {
  hooks.push(hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled(hooks.map((hook) => hook()));
}
