#!/usr/bin/env bash
# check-jsonschema in .tools/check-jsonschema (see pyvenv.sh); its schemas ship with it, so
# `--builtin-schema vendor.github-workflows` works offline. Prints the bin directory.
exec bash "$(dirname "$0")/pyvenv.sh" check-jsonschema check-jsonschema==0.39.0
