# Shared helpers for up.sh, down.sh and build-images.sh (sourced, not run).
# shellcheck shell=bash
# Variables set here are used by the scripts that source this file.
# shellcheck disable=SC2034

KIND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${KIND_DIR}/.." && pwd)"
# shellcheck source=kind/versions.env
source "${KIND_DIR}/versions.env"

CLUSTER_NAME="${CLUSTER_NAME:-knative-rag}"
REGISTRY_NAME="${REGISTRY_NAME:-kind-registry}"
REGISTRY_PORT="${REGISTRY_PORT:-5001}"
FUNCTIONS=(ingest index-document embed search)
export KUBECONFIG="${KUBECONFIG:-${HOME}/.kube/config}"
KUBE_CONTEXT="kind-${CLUSTER_NAME}"

_started_at=$(date +%s)
step() { printf '\n\033[1m==> %s\033[0m (+%ss)\n' "$*" "$(($(date +%s) - _started_at))"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '\033[33m    warning: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }

kc() { kubectl --context "${KUBE_CONTEXT}" "$@"; }

require() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} is required (see knative/README.md, Prerequisites)"
  done
}

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...: retry COMMAND every 5 s, printing progress.
wait_for() {
  local what="$1" timeout="$2"
  shift 2
  local deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if (($(date +%s) >= deadline)); then
      die "timed out after ${timeout}s waiting for ${what}"
    fi
    printf '    waiting for %s ...\n' "${what}"
    sleep 5
  done
  info "ready: ${what}"
}

# Rollout of every Deployment in a namespace (waits for them to exist first).
wait_deployments() {
  local namespace="$1" timeout="${2:-300}"
  wait_for "deployments in ${namespace}" "${timeout}" sh -c "kubectl --context '${KUBE_CONTEXT}' -n '${namespace}' get deployments -o name | grep -q ."
  kc -n "${namespace}" wait deployment --all --for=condition=Available --timeout="${timeout}s"
}

# Apply a release manifest from a URL, retrying transient download/webhook errors.
apply_url() {
  local url="$1"
  local attempt
  for attempt in 1 2 3 4 5; do
    if kc apply --server-side --force-conflicts -f "${url}" >/dev/null; then
      info "applied ${url##*/}"
      return 0
    fi
    warn "apply of ${url##*/} failed (attempt ${attempt}/5), retrying in 10 s"
    sleep 10
  done
  die "could not apply ${url}"
}

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
