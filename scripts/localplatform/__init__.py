"""Run the template the way the platforms do, on this machine, without a cloud account or Docker.

- `rapi`: a loopback stand-in for the Lambda Runtime API.
- `ric`: the real Lambda runtime client (`awslambdaric`) in a child process against that stand-in.
- `vercel`: Vercel's real Python shim (`vercel-runtime`) in a child process, driven over its IPC socket.
- `events`: API Gateway REST/HTTP API, ALB and Function URL events, built from a method and a path.
- `context`: Lambda's context object for a handler called in this process.
- `functions`: the function behind `emulate.py`, imported into this process or run by `ric`.

Everything here is standard library in the parent process; the child's Python must have the
runtime package installed (`awslambdaric` or `vercel-runtime`, both in requirements-dev.txt).
"""
