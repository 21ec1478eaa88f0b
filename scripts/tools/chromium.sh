#!/usr/bin/env bash
# Installs Debian's chromium for the status page tests (headless), once: a no-op when
# /usr/bin/chromium exists. Prints the browser's path. Needs root (CI runs as root) or sudo.
set -euo pipefail
browser=/usr/bin/chromium
if [ -x "$browser" ]; then echo "$browser"; exit 0; fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
# Several test runs may start at once: one installs, the others wait for it.
exec 9>/tmp/.chromium-install.lock
flock 9
if [ ! -x "$browser" ]; then
  echo "installing chromium (Debian package) for the status page tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
echo "$browser"
