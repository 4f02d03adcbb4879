"""Pools and engines are sized to the cores this process may use, not the machine's."""

from __future__ import annotations

import os

import pytest

from aligner.cores import cores


def _share(monkeypatch, allowed: int, machine: int = 64) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: machine)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(allowed)), raising=False)


def test_cores_is_the_affinity_share_not_the_machine(monkeypatch):
    _share(monkeypatch, 3)
    assert cores() == 3


def test_without_affinity_it_falls_back_to_the_machine(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 5)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert cores() == 5


def test_batch_defaults_to_the_share(monkeypatch, capsys):
    from aligner.cli import build_parser

    _share(monkeypatch, 3)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["batch", "--help"])
    assert "cores this process may use, 3)" in " ".join(capsys.readouterr().out.split())
