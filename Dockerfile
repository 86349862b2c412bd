# syntax=docker/dockerfile:1
# One small image per function:
#   docker build --build-arg FUNCTION=search -t localhost:5001/knative-rag/search:dev .
# (kind/build-images.sh builds all four.) FUNCTION is one of: ingest, index-document, embed, search.
#
# Stage 1 builds every bundle once with the same command `npm test` uses (node scripts/build.mjs):
# esbuild bundles each function and its runtime dependencies into dist/<name>/ (index.mjs plus the
# lazily loaded adapter chunks in chunks/), so the runtime stage needs no node_modules at all —
# no dev dependencies, no package manager.
# FUNCTION is declared after the build on purpose: the four image builds share one cached build.

ARG NODE_IMAGE=node:22.22.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; esbuild finds its
# platform binary through its optional dependency without its postinstall step.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY functions ./functions
RUN node scripts/build.mjs

FROM ${NODE_IMAGE} AS runtime
ARG FUNCTION
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/tmp/knative-rag
WORKDIR /app
# Fails the build on a misspelt FUNCTION instead of shipping an empty image.
COPY --from=build --chown=root:root /app/dist/${FUNCTION}/ ./
# Node's compile cache, baked in: the function is started once here and Node writes the compiled
# code of the modules it loaded, so a new pod skips compiling the bundle (an empty cache in a tmp
# dir would only help a pod's second start). Baked as uid 1000 because Node keys the cache's
# subdirectory by uid; a read-only root filesystem at run time only stops it adding entries.
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN mkdir .node-compile-cache && chown 1000:1000 .node-compile-cache
# The official node images ship user `node` as uid/gid 1000. A numeric USER lets the kubelet
# prove runAsNonRoot; the bundle stays root-owned and read-only to it.
USER 1000:1000
RUN --mount=type=bind,from=build,source=/app/scripts/bake-compile-cache.mjs,target=/tmp/bake-compile-cache.mjs \
    node /tmp/bake-compile-cache.mjs
EXPOSE 8080
# Exec form, no shell and no init: `node` is PID 1 and receives SIGTERM directly. That is safe
# here because the functions install their own SIGTERM/SIGINT handlers (drain in-flight requests,
# flush spans and metrics, exit) — PID 1 only loses the kernel's *default* signal actions, which
# these handlers replace — and they spawn no child processes, so there are no zombies to reap.
STOPSIGNAL SIGTERM
# No --enable-source-maps: it parses every source map as the bundle loads (~100 ms of each cold
# start); the functions map stack traces lazily, on the first one formatted (lazy-source-maps.ts).
CMD ["node", "index.mjs"]
