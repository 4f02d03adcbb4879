import subprocess
import sys

from aligner.cli import build_parser
from aligner.errors import AlignerError, InputError


def test_version_flag_prints_package_version():
    out = subprocess.run(
        [sys.executable, "-m", "aligner", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("aligner ")


def test_error_classes_map_to_distinct_exit_codes():
    assert InputError.exit_code == 2
    assert issubclass(InputError, AlignerError)


def test_parser_requires_a_command(capsys):
    parser = build_parser()
    try:
        parser.parse_args([])
    except SystemExit as exc:
        assert exc.code == 2
    else:  # pragma: no cover
        raise AssertionError("no command accepted")
