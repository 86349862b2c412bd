import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stackCacheDir } from "./cache.ts";
import { progress } from "./managed-process.ts";
import { runCommand } from "./run-command.ts";

/** moto_server from PyPI in its own venv, installed once and cached. */
export async function ensureMotoServer(version: string): Promise<string> {
  const venv = join(stackCacheDir(`moto-${version}`), "venv");
  const server = join(venv, "bin", "moto_server");
  // A venv cannot be moved once made, so a marker (not a rename) says the install finished.
  const complete = join(venv, ".complete");
  if (existsSync(complete)) return server;
  const began = performance.now();
  progress(`installing moto[server]==${version} into ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  await runCommand(process.env.STACK_PYTHON || "python3", ["-m", "venv", venv], {
    timeoutMs: 120_000,
  });
  await runCommand(
    join(venv, "bin", "python"),
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `moto[server]==${version}`],
    {
      timeoutMs: 15 * 60_000,
    },
  );
  writeFileSync(complete, `moto[server]==${version}\n`);
  progress(`moto ${version} installed in ${((performance.now() - began) / 1000).toFixed(0)}s`);
  return server;
}
