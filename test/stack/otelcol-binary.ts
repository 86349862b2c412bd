import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { stackCacheDir } from "./cache.ts";
import { progress } from "./managed-process.ts";
import { runCommand } from "./run-command.ts";

export const OTELCOL_MANIFEST = fileURLToPath(
  new URL("./otelcol/builder-config.yaml", import.meta.url),
);

interface BuilderManifest {
  dist: { name: string; version: string; output_path: string };
  [kind: string]: unknown;
}

/**
 * The builder manifest, checked: every collector module at the release of dist.version
 * (confmap providers on their 1.x line), so one `go build` never mixes two releases.
 */
export function readOtelcolManifest(file = OTELCOL_MANIFEST): BuilderManifest {
  const manifest = parse(readFileSync(file, "utf8")) as BuilderManifest;
  const version = manifest.dist.version;
  for (const kind of ["receivers", "processors", "exporters", "extensions", "connectors"]) {
    for (const { gomod } of (manifest[kind] as { gomod: string }[] | undefined) ?? []) {
      if (!gomod.endsWith(` v${version}`))
        throw new Error(`${file}: ${gomod} is not at v${version} (dist.version)`);
    }
  }
  return manifest;
}

/** Where the collector of a builder manifest is, once built. */
export function otelcolBinaryPath(manifestFile = OTELCOL_MANIFEST): string {
  const { dist } = readOtelcolManifest(manifestFile);
  return stackCacheDir(`otelcol-${dist.version}`, "bin", dist.name);
}

/**
 * A collector binary, built once with the collector builder (ocb) at the manifest's release and
 * cached in otelcol-<version>/bin/<dist.name>. By default the test collector; about a minute on
 * 2 cores with the Go module cache warm.
 */
export async function ensureOtelcolBinary(
  manifestFile = OTELCOL_MANIFEST,
): Promise<{ binary: string; version: string }> {
  const manifest = readOtelcolManifest(manifestFile);
  const version = manifest.dist.version;
  const root = stackCacheDir(`otelcol-${version}`);
  const binary = otelcolBinaryPath(manifestFile);
  if (existsSync(binary)) return { binary, version };
  const began = performance.now();
  progress(
    `building ${manifest.dist.name} ${version} with the collector builder into ${root} (takes a minute or more the first time)`,
  );
  const tools = join(root, "tools");
  await runCommand("go", ["install", `go.opentelemetry.io/collector/cmd/builder@v${version}`], {
    env: { GOBIN: tools },
    timeoutMs: 10 * 60_000,
  });

  const sources = join(root, "build");
  rmSync(sources, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  const localManifest = join(sources, "builder-config.yaml");
  writeFileSync(
    localManifest,
    stringify({ ...manifest, dist: { ...manifest.dist, output_path: sources } }),
  );
  // ocb's own module step runs `go mod tidy`, which also resolves the test-only imports of every
  // package linked in; the module proxy has no checksum for some of those at this release
  // (e.g. go.opentelemetry.io/collector/service/telemetry/telemetrytest@v0.153.0: sumdb 404).
  // So ocb only writes the sources and go.mod, and `go build -mod=mod` resolves and verifies
  // exactly the modules the binary links (MVS keeps them all at the manifest's release).
  await runCommand(
    join(tools, "builder"),
    ["--config", localManifest, "--skip-get-modules", "--skip-compilation"],
    { timeoutMs: 60_000 },
  );
  // From 0.155.0 on, ocb writes go.mod in its module step only: then it is the manifest's modules.
  if (!existsSync(join(sources, "go.mod")))
    writeFileSync(join(sources, "go.mod"), builderGoMod(manifest));
  const partial = join(sources, `${manifest.dist.name}.partial`);
  await runCommand("go", ["build", "-mod=mod", "-trimpath", "-ldflags=-s -w", "-o", partial, "."], {
    cwd: sources,
    timeoutMs: 30 * 60_000,
  });
  mkdirSync(join(root, "bin"), { recursive: true });
  renameSync(partial, binary); // only a finished build is ever taken
  progress(
    `${manifest.dist.name} ${version} built in ${((performance.now() - began) / 1000).toFixed(0)}s`,
  );
  return { binary, version };
}

/** The go.mod ocb would write before tidying: every component module, plus the collector's own. */
function builderGoMod(manifest: BuilderManifest): string {
  const kinds = ["receivers", "processors", "exporters", "extensions", "connectors", "providers"];
  const modules = kinds.flatMap((kind) =>
    ((manifest[kind] as { gomod: string }[] | undefined) ?? []).map((c) => c.gomod),
  );
  modules.push(`go.opentelemetry.io/collector/otelcol v${manifest.dist.version}`);
  return `module go.opentelemetry.io/collector/cmd/builder\n\ngo 1.25.0\n\nrequire (\n${modules.map((m) => `\t${m}\n`).join("")})\n`;
}
