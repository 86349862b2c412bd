#!/usr/bin/env bash
# Installs what test/stack needs on a fresh Debian machine, idempotently: Java 17+, Maven,
# redis-server, prometheus and Python's venv from Debian (Go >= 1.25 comes with the machine
# image); then Kafka's jars (Maven Central), Weaviate (built from its Go module), moto (PyPI) and
# the test OpenTelemetry Collector (collector builder, Go modules), cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/knative-rag. The tests run prometheus as their own process,
# never the package's service.
# Expects node_modules (npm ci) to be there. Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '[install-stack] %s (+%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v mvn >/dev/null || missing+=(maven)
command -v prometheus >/dev/null || missing+=(prometheus)
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1 || true)
if [ -z "${java_major}" ] || [ "${java_major}" -lt 17 ]; then missing+=(openjdk-17-jre-headless); fi
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Weaviate and the collector need Go >= 1.25 and Debian's golang-go is 1.19: the machine image's Go (/usr/local/go) it is.
[ -x /usr/local/go/bin/go ] && ! command -v go >/dev/null && export PATH="/usr/local/go/bin:$PATH"
go_minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p' || true)
if [ -z "${go_minor}" ] || [ "${go_minor}" -lt 25 ]; then
  echo "[install-stack] Go >= 1.25 is needed to build Weaviate and the collector; found: $(go version 2>&1 || echo none)" >&2
  exit 1
fi
step "debian packages ok: $(redis-server --version | cut -d' ' -f3), $(prometheus --version 2>&1 | head -1 | cut -d' ' -f1,3), java ${java_major:-$(java -version 2>&1 | head -1)}, $(go version | cut -d' ' -f3)"

if [ ! -d node_modules/tsx ]; then
  echo "[install-stack] node_modules is missing: run npm ci first" >&2
  exit 1
fi
node --import tsx test/stack/prepare.ts
step "done"
