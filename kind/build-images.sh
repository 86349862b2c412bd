#!/usr/bin/env bash
# Builds one image per function from the repo's Dockerfile and pushes it to the local registry
# (localhost:5001). Prints "name=digest-reference" lines on stdout for up.sh to pin.
# Usage: kind/build-images.sh [function ...]   (default: all four)
set -euo pipefail
# shellcheck source=kind/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require docker

names=("$@")
if ((${#names[@]} == 0)); then names=("${FUNCTIONS[@]}"); fi
tag="$(git -C "${REPO_ROOT}" rev-parse --short HEAD 2>/dev/null || echo dev)"
if [ -n "$(git -C "${REPO_ROOT}" status --porcelain -- functions scripts package.json package-lock.json 2>/dev/null)" ]; then
  tag="${tag}-dirty-$(date +%s)"
fi

for name in "${names[@]}"; do
  image="localhost:${REGISTRY_PORT}/knative-rag/${name}:${tag}"
  printf '    building %s\n' "${image}" >&2
  docker build --build-arg "FUNCTION=${name}" -t "${image}" "${REPO_ROOT}" >&2
  docker push "${image}" >/dev/null
  # Also as :dev, the tag knative/kustomization.yaml names (SKIP_BUILD=1 kind/up.sh uses it).
  docker tag "${image}" "localhost:${REGISTRY_PORT}/knative-rag/${name}:dev"
  docker push "localhost:${REGISTRY_PORT}/knative-rag/${name}:dev" >/dev/null
  digest="$(docker inspect --format '{{index .RepoDigests 0}}' "${image}")"
  echo "${name}=${digest}"
done
