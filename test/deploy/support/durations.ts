// Duration formats used in the manifests: ISO 8601 (Knative Eventing's delivery spec) and Go's
// time.ParseDuration (Knative Serving's autoscaling annotations).

/** ISO 8601 duration (PnDTnHnMnS, weeks, fractions of seconds) in seconds; undefined if invalid. */
export function iso8601Seconds(value: string): number | undefined {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    value,
  );
  if (!match || value === "P" || value.endsWith("T")) return undefined;
  const [, w, d, h, m, s] = match;
  return (
    Number(w ?? 0) * 604800 +
    Number(d ?? 0) * 86400 +
    Number(h ?? 0) * 3600 +
    Number(m ?? 0) * 60 +
    Number(s ?? 0)
  );
}

/** Go duration ("10m", "1h30m", "0s", "1.5s") in seconds; undefined if invalid. */
export function goDurationSeconds(value: string): number | undefined {
  if (value === "0") return 0;
  const units: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(re)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed += match[0].length;
  }
  return consumed === value.length && consumed > 0 ? total : undefined;
}
