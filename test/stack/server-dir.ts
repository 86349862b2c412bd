import { rmSync } from "node:fs";
import { forgetDir } from "./exit-cleanup.ts";

/** Final cleanup of one server: stop it, then remove its temp dir (data and log). */
export async function removeServerDir(server: { stop(): Promise<void> }, dir: string): Promise<void> {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  forgetDir(dir);
}
