#!/usr/bin/env bash
# Installs redis-server (Debian package) when it is missing: the service tests start their own
# servers on free ports to stop, restart and password-protect them. Idempotent.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo -n"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
# The package starts a system service; the tests use their own processes only.
command -v redis-server
