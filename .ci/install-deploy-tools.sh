#!/usr/bin/env bash
# Tools the deploy checks (test/deploy) need: promtool (Debian's prometheus package) to parse
# every PromQL expression and rule file, and shellcheck for kind/*.sh. With CI=true those tests
# fail instead of skipping when a tool is missing.
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v shellcheck >/dev/null 2>&1; then
  echo "promtool and shellcheck already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus shellcheck >/dev/null
promtool --version | head -1
shellcheck --version | sed -n 2p
