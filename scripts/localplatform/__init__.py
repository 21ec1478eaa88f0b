"""Run the template the way the platforms do, on this machine, without a cloud account or Docker.

- `rapi`: a loopback stand-in for the Lambda Runtime API.
- `ric`: the real Lambda runtime client (`awslambdaric`) in a child process against that stand-in.
- `vercel`: Vercel's real Python shim (`vercel-runtime`) in a child process, driven over its IPC socket.
- `events`: API Gateway REST/HTTP API, ALB and Function URL events, built from a method and a path.
- `context`: Lambda's context object for a handler called in this process.
- `functions`: the function behind `emulate.py`, imported into this process or run by `ric`.
- `deployed`: the function's tree as the platform's build makes it (packages cached per pin set).
- `isolation`: the emulator's modes; `isolated`: the script that starts a runtime in an interpreter
  that sees the tree and nothing else.

Everything here is standard library in the parent process. In the deployed mode the runtime
packages (`awslambdaric`, `vercel-runtime`, pinned in requirements-dev.txt) are installed into a
folder of their own for the child; with `--in-venv` the child's Python must have them installed.
"""
