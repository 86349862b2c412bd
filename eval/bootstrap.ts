import { mulberry32 } from "../test/support/seeded-random.ts";
import { mean } from "./metrics.ts";

export interface Interval {
  difference: number;
  low: number;
  high: number;
}

/**
 * Paired bootstrap over queries (Efron & Tibshirani; as used for IR by Sakai 2006): resample the
 * queries with replacement and take the 2.5th and 97.5th percentiles of the mean per-query
 * difference a − b. A fixed seed makes a report reproducible.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  resamples = 10_000,
  seed = 42,
): Interval {
  if (a.length !== b.length)
    throw new Error("paired bootstrap needs one value per query on both sides");
  const differences = a.map((value, i) => value - b[i]!);
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < differences.length; i++)
      sum += differences[Math.floor(random() * differences.length)]!;
    means[r] = sum / differences.length;
  }
  means.sort();
  return {
    difference: mean(differences),
    low: means[Math.floor(resamples * 0.025)]!,
    high: means[Math.ceil(resamples * 0.975) - 1]!,
  };
}
