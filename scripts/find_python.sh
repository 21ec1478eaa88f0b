#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 (the runtime Vercel and Lambda use): PATH first, then pyenv.
# Exits 1 with what to install when there is none.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.12 python3.13 python3.14 python3; do
  if command -v "$name" >/dev/null 2>&1 && ok "$name"; then
    command -v "$name"; exit 0
  fi
done
# pyenv shims only answer for the selected version; the interpreters themselves always do.
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for candidate in "$root"/versions/3.12*/bin/python3 "$root"/versions/3.13*/bin/python3 "$root"/versions/3.1[4-9]*/bin/python3; do
    if [ -x "$candidate" ] && ok "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
echo "error: no Python >= 3.12 found (Vercel's runtime needs 3.12+, Lambda runs 3.12/3.13)." >&2
echo "Install one: 'pyenv install 3.12', 'apt-get install python3.12', 'brew install python@3.12' or 'uv python install 3.12'." >&2
exit 1
