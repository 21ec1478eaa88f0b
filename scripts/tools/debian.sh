#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing: chromium (headless, for the
# status page and /api/docs tests) and redis-server (the service tests start their own servers on
# free ports to stop, restart and password-protect them). Needs root or sudo. Idempotent.
set -euo pipefail
packages=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
  && ! command -v google-chrome >/dev/null 2>&1; then
  packages+=(chromium fonts-dejavu-core)
fi
if ! command -v redis-server >/dev/null 2>&1; then packages+=(redis-server); fi
if [ ${#packages[@]} = 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no apt-get here: install ${packages[*]} with your system's package manager, then re-run" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: installing ${packages[*]} needs root: run bash scripts/setup-tools.sh as root" >&2
    exit 1
  fi
  sudo=(sudo)
fi
# Two set-ups may start at once: one installs, the other waits for it.
exec 9>/tmp/.setup-tools-apt.lock
flock 9
echo "installing Debian packages: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
