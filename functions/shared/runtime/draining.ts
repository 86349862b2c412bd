// Whether this process is draining: set once by serveFunction on SIGTERM, read by the readiness
// route, so Knative stops routing here while in-flight requests finish. A process serves one
// function, so the state is the process's own.
let draining = false;

export function markDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}
