# `sam build` with `BuildMethod: makefile` (template.yaml): scripts/package_lambda.py writes the
# function's tree, bytecode included, into $(ARTIFACTS_DIR). sam's own Python build strips every
# .pyc (aws-lambda-builders' EXCLUDED_FILES) and compiles nothing.
#
# make gets no more from sam than ARTIFACTS_DIR, so the runtime and architecture travel in the
# folder template.yaml points ContextPath at: <runtime>-<architecture>/Makefile sets them and
# includes this file.
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../..)
# package_lambda.py needs only the standard library and pip (any Python 3); it finds a Python of
# the target's version for the bytecode itself (PATH, then pyenv).
PYTHON ?= python3

build-ApiFunction:
	"$(PYTHON)" "$(ROOT)/scripts/package_lambda.py" --root "$(ROOT)" --python $(PYTHON_VERSION) --arch $(ARCH) --tree "$(ARTIFACTS_DIR)"

.PHONY: build-ApiFunction
