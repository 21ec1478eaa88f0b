#!/usr/bin/env bash
# Usage: find_python.sh [X.Y]  Prints the path of a Python >= 3.12 (the runtime Vercel and Lambda use),
# or of exactly Python X.Y when given: PATH first, then pyenv. Exits 1 with what to install when there is none.
set -u
want=${1:-}
ok() {
  if [ -n "$want" ]; then
    "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" >/dev/null 2>&1
  else
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
  fi
}
names="python3.12 python3.13 python3.14 python3"
if [ -n "$want" ]; then names="python$want python3"; fi
for name in $names; do
  if command -v "$name" >/dev/null 2>&1 && ok "$name"; then
    command -v "$name"; exit 0
  fi
done
# pyenv shims only answer for the selected version; the interpreters themselves always do.
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  patterns=("$root"/versions/3.12*/bin/python3 "$root"/versions/3.13*/bin/python3 "$root"/versions/3.1[4-9]*/bin/python3)
  if [ -n "$want" ]; then patterns=("$root"/versions/"$want"*/bin/python3); fi
  for candidate in "${patterns[@]}"; do
    if [ -x "$candidate" ] && ok "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
version=${want:-3.12}
echo "error: no Python ${want:->= 3.12} found (Vercel's runtime needs 3.12+, Lambda runs 3.12/3.13)." >&2
echo "Install one: 'pyenv install $version', 'apt-get install python$version', 'brew install python@$version' or 'uv python install $version'." >&2
exit 1
