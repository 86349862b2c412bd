/**
 * A Retry-After header's wait in whole seconds, in either form RFC 9110 allows: delay-seconds, or
 * an HTTP date (the time left until it, rounded up; 0 once past). Undefined when absent or neither.
 */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // Every HTTP-date form starts with the day's name; Date.parse alone would take "-5" as a year.
  const date = /^[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
