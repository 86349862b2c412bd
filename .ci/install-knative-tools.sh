#!/usr/bin/env bash
# The Go test tools the Knative checks run (test/deploy/knative-validate.test.ts and
# `npm run test:cluster`): Knative's validation code and queue-proxy (test/knative-validate), the
# kube-apiserver and kubectl of the pinned Kubernetes release (test/kube-tools), promtool and the
# Grafana dashboard decoder (test/monitoring-tools), plus Debian's etcd for the API server. Built
# once into ~/.cache/knative-rag (module and build caches there too); the tests rebuild only when a
# tool's sources change. Go >= 1.25 comes with the machine image (/usr/local/go).
# Cold on 2 cores: see knative/README.md, "What was verified". Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '[install-knative-tools] %s (+%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

if [ ! -x /usr/bin/etcd ]; then
  step "apt-get install etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=600
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 etcd-server >/dev/null
fi
[ -x /usr/local/go/bin/go ] && ! command -v go >/dev/null && export PATH="/usr/local/go/bin:$PATH"
step "go build ${*:-all tools} (nice; cold: many minutes)"
nice -n 10 node --import tsx test/deploy/support/build-go-tools.ts "$@"
step "done"
