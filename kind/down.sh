#!/usr/bin/env bash
# Removes everything up.sh created: the kind cluster (and with it every namespace, volume and
# Secret) and the local registry container. Safe to run when either is already gone.
set -euo pipefail
# shellcheck source=kind/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kind docker

step "Deleting kind cluster ${CLUSTER_NAME}"
if kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"; then
  kind delete cluster --name "${CLUSTER_NAME}"
else
  info "no cluster named ${CLUSTER_NAME}"
fi

step "Removing local registry ${REGISTRY_NAME}"
if [ "${KEEP_REGISTRY:-false}" = "true" ]; then
  info "KEEP_REGISTRY=true: leaving ${REGISTRY_NAME} (and its cached images) in place"
elif docker inspect "${REGISTRY_NAME}" >/dev/null 2>&1; then
  docker rm -f "${REGISTRY_NAME}" >/dev/null
  info "removed"
else
  info "no container named ${REGISTRY_NAME}"
fi
step "Done"
