#!/usr/bin/env bash
# Installs Debian's Chromium for the browser spec when it is missing. The tests drive this browser
# (ExecutablePath = /usr/bin/chromium) instead of a downloaded one: CI machines cannot fetch browser
# builds, only Debian packages. Skipped when Chromium is already there.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "ensure-chromium: /usr/bin/chromium is missing and this is not root; install Debian's 'chromium' package." >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium package for the browser spec..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
