# Sourced by the installers in scripts/tools/. With TOOLS_CHECK_ONLY=1 (what the tests set) an
# installer never installs: a missing or outdated tool exits 3, naming the step that installs it.
must_install() {  # NAME PINS
  if [ -n "${TOOLS_CHECK_ONLY:-}" ]; then
    echo "$1 ($2) is not installed in .tools/: run bash scripts/setup-tools.sh" >&2
    exit 3
  fi
}
