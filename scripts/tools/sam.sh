#!/usr/bin/env bash
# aws-sam-cli and cfn-lint in .tools/sam (see pyvenv.sh). Prints the bin directory.
exec bash "$(dirname "$0")/pyvenv.sh" sam aws-sam-cli==1.170.0 cfn-lint==1.58.0
