import subprocess
import sys

import pytest

from aligner.cli import build_parser, main
from aligner.errors import AlignerError, ConfigError, InputError


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
    with pytest.raises(ConfigError, match="required: COMMAND"):
        build_parser().parse_args([])
    assert main([]) == 3  # a command-line mistake is a bad option
    err = capsys.readouterr().err
    assert err.count("usage: aligner") == 2 and "Traceback" not in err


def test_every_subcommand_module_is_registered_by_name():
    import importlib
    import pkgutil

    import aligner.cli as cli

    modules = [m.name for m in pkgutil.iter_modules(cli.__path__) if not m.name.startswith("_")]
    with_register = {m for m in modules if hasattr(importlib.import_module(f"aligner.cli.{m}"), "register")}
    assert set(cli.COMMANDS) == with_register
    shown = build_parser()._subparsers._group_actions[0].choices
    assert list(shown) == list(cli.COMMANDS)
