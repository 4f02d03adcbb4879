import os
import sys


def _leave(code: int) -> None:
    if code == 130:
        # Leave without interpreter shutdown: under load, after a Ctrl-C caught during start-up
        # imports (one landed in namedtuple's eval), shutdown ended the process by SIGINT (exit -2)
        # instead of the 130 we promise. main() has cleaned up by then.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


try:
    from aligner.cli import main
except KeyboardInterrupt:  # Ctrl-C before main() can watch for it
    print("aligner: interrupted", file=sys.stderr)
    _leave(130)

_leave(main())
