import os
import sys

try:
    from aligner.cli import main
except KeyboardInterrupt:  # Ctrl-C before main() can watch for it
    print("aligner: interrupted", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)

code = main()
if code == 130:
    # A Ctrl-C that lands inside eval/exec (namedtuple and dataclass creation at import) sets
    # CPython's "unhandled KeyboardInterrupt" flag even once caught; at exit the interpreter then
    # kills itself with SIGINT (exit -2), not the 130 we promise. main() has cleaned up by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)
sys.exit(code)
