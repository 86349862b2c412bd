/**
 * How many times the event loop got a turn (a setImmediate callback ran) while `work` was
 * pending: 0 means it held the loop from start to end, so probes and other requests waited.
 */
export async function loopTurnsDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    done = true;
  }
}
