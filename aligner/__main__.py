import sys

try:
    from aligner.cli import main
except KeyboardInterrupt:  # Ctrl-C before main() can watch for it
    print("aligner: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
