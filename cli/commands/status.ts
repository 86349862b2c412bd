import type { FunctionName } from "../../functions/functions.ts";

/** Readiness of each function; exits non-zero when any is not ready. */
export async function status(urls: Record<FunctionName, string>): Promise<boolean> {
  let allReady = true;
  for (const [name, url] of Object.entries(urls)) {
    let state: string;
    try {
      const response = await fetch(`${url}/health/readiness`, {
        signal: AbortSignal.timeout(3000),
      });
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      const failing = Object.entries(body.checks).filter(([, v]) => v !== "ok");
      state = response.ok
        ? "ready"
        : `NOT READY ${failing.map(([k, v]) => `${k}: ${v}`).join("; ")}`;
      if (!response.ok) allReady = false;
    } catch (error) {
      allReady = false;
      state = `DOWN (${error instanceof Error ? error.message : String(error)})`;
    }
    console.log(`${name.padEnd(15)} ${url.padEnd(24)} ${state}`);
  }
  return allReady;
}
