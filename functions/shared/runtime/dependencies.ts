import type { Logger } from "./logger.ts";

/** An adapter as the runtime sees it. */
export interface Adapter {
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** An adapter with what the runtime must know beyond its methods. */
export interface DeclaredDependency {
  adapter: Adapter;
  /** Dependencies whose `ready()` must have settled (ready or not) before this one's runs. */
  after?: string[];
  /** The function works without it (degraded): probed and closed, never a readiness check. */
  optional?: boolean;
}

export type Dependency = Adapter | DeclaredDependency;

/** A function's adapters by name, each named once: probed, checked for readiness and closed. */
export type Dependencies = Record<string, Dependency>;

function declared(dependency: Dependency): DeclaredDependency {
  return "adapter" in dependency ? dependency : { adapter: dependency };
}

/** The dependencies whose readiness is the function's: those that can say, and are not optional. */
export function readinessChecks(dependencies: Dependencies): string[] {
  return Object.keys(dependencies).filter((name) => {
    const { adapter, optional } = declared(dependencies[name]!);
    return adapter.ready !== undefined && !optional;
  });
}

/** Throws when an `after` names no dependency, or when dependencies wait for each other. */
export function checkOrder(dependencies: Dependencies): void {
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name))
      throw new Error(`dependencies wait for each other: ${[...path, name].join(" → ")}`);
    for (const before of declared(dependencies[name]!).after ?? []) {
      if (!(before in dependencies))
        throw new Error(`dependency "${name}" waits for "${before}", which is not declared`);
      visit(before, [...path, name]);
    }
    done.add(name);
  };
  for (const name of Object.keys(dependencies)) visit(name, []);
}

/**
 * Calls `ready()` of the named dependencies (and of those they wait for) all at once, except that
 * each waits for its `after` to settle first; a dependency without `ready()` is ready at once.
 */
export function readyEach(
  dependencies: Dependencies,
  names: string[],
): Array<[name: string, ready: Promise<void>]> {
  const started = new Map<string, Promise<void>>();
  const start = (name: string): Promise<void> => {
    let ready = started.get(name);
    if (ready === undefined) {
      const { adapter, after = [] } = declared(dependencies[name]!);
      const settled = after.map((before) => start(before).catch(() => undefined));
      ready = Promise.all(settled).then(() => adapter.ready?.());
      started.set(name, ready);
    }
    return ready;
  };
  return names.map((name) => [name, start(name)]);
}

/**
 * Start-up: every dependency's `ready()` at once, but for the order one declares (`after`); one
 * not ready yet is logged by name, and serving goes on (readiness says 503 until it is ready).
 */
export async function probe(dependencies: Dependencies, logger: Logger): Promise<void> {
  checkOrder(dependencies);
  await Promise.all(
    readyEach(dependencies, Object.keys(dependencies)).map(([name, ready]) =>
      ready.catch((error: unknown) =>
        logger.warn(
          { err: error, dependency: name },
          declared(dependencies[name]!).optional
            ? "an optional dependency is not ready yet; the function works without it until it is"
            : "a dependency is not ready yet; readiness stays 503 until it is",
        ),
      ),
    ),
  );
}

/** Closes every adapter even when one of them fails. */
export async function closeAll(dependencies: Dependencies): Promise<void> {
  await Promise.allSettled(Object.values(dependencies).map((d) => declared(d).adapter.close()));
}
