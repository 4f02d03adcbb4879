"""`--out DIR` writes only its own files: nothing the user put there is ever removed or overwritten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aligner.embed import get_encoder
from aligner.errors import InputError
from aligner.job import run_job


def run(documents, out_dir, **kwargs):
    """run_job with the default encoder, resolved once per call as ``aligner run`` does."""
    kwargs.setdefault("encoder", get_encoder())
    return run_job(documents, out_dir, **kwargs)

MARKER = ".aligner-out.json"


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def written(out: Path) -> set[str]:
    return set(json.loads((out / MARKER).read_text(encoding="utf-8"))["files"])


def no_embedding(monkeypatch):
    """Fail loudly if the job reaches the slow part: checks must come first."""
    def boom(*args, **kwargs):
        raise AssertionError("embedding started before the output folder was checked")

    monkeypatch.setattr("aligner.job.embed_documents", boom)


def copy_inputs(small_corpus, folder: Path) -> list[Path]:
    root, _ = small_corpus
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("lenin.tl.wiki.txt", "lenin.ne.wiki.txt"):
        (folder / name).write_bytes((root / name).read_bytes())
        paths.append(folder / name)
    return paths


def test_out_holding_the_inputs_is_refused_and_force_keeps_every_user_file(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    proj = tmp_path / "proj"
    inputs = copy_inputs(small_corpus, proj)
    (proj / "README").write_text("my notes")
    (proj / "sub").mkdir()
    (proj / "sub" / "keep.txt").write_text("deep")
    before = tree(proj)
    with monkeypatch.context() as mp:
        no_embedding(mp)
        with pytest.raises(InputError, match="--force"):
            run(docs[:2], proj, inputs=inputs)
    assert tree(proj) == before
    result = run(docs[:2], proj, inputs=inputs, force=True)
    after = tree(proj)
    for name, data in before.items():
        assert after[name] == data, name
    assert written(proj) == {"lenin.tl-ne.tmx", "report.json", "alignments.json"}
    assert set(after) == set(before) | written(proj) | {MARKER}
    assert result.out_dir == proj


def test_a_parent_folder_as_out_is_refused(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    inputs = copy_inputs(small_corpus, tmp_path / "a" / "b")
    no_embedding(monkeypatch)
    with pytest.raises(InputError, match="holds the input"):
        run(docs[:2], tmp_path, inputs=inputs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_non_empty_folder_without_marker_is_refused(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"\x00precious")
    no_embedding(monkeypatch)
    with pytest.raises(InputError, match="not written by aligner"):
        run(docs, out)
    assert tree(out) == {"thesis.docx": b"\x00precious"}


def test_rerun_replaces_only_its_own_files_and_keeps_what_others_added(small_corpus, tmp_path):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs, out)
    first = written(out)
    assert "lenin+lenin-and-stalin.multi.tmx" in first
    (out / "review-state.json").write_text('{"accepted": [1]}')  # what `aligner review` keeps beside
    # a smaller run: the stale pair files of the first run go, the user's file stays
    run(docs[:2], out)
    assert written(out) == {"lenin.tl-ne.tmx", "report.json", "alignments.json"}
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "lenin.tl-ne.tmx", "report.json",
                                                            "alignments.json", "review-state.json"])
    assert (out / "review-state.json").read_text() == '{"accepted": [1]}'


def test_an_output_the_user_changed_is_never_overwritten(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs[:2], out)
    (out / "lenin.tl-ne.tmx").write_text("edited by hand in OmegaT")
    before = tree(out)
    with monkeypatch.context() as mp:
        no_embedding(mp)
        for force in (False, True):
            with pytest.raises(InputError, match="lenin.tl-ne.tmx"):
                run(docs[:2], out, force=force)
    assert tree(out) == before


def test_symlinked_out_leaves_nothing_beside_the_link(small_corpus, tmp_path):
    _, docs = small_corpus
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    run(docs[:2], link)
    run(docs[:2], link)
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
    assert written(real) == {"lenin.tl-ne.tmx", "report.json", "alignments.json"}


def test_concurrent_runs_on_one_out_never_fail_or_mix(small_corpus, tmp_path):
    _, docs = small_corpus
    out = tmp_path / "out"
    errors: list[BaseException] = []

    def one(k: int) -> None:
        try:
            run(docs if k % 2 else docs[:2], out)
        except BaseException as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = written(out)
    assert {p.name for p in out.iterdir()} == names | {MARKER}  # no temp file, no other run's stale file
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {p["tmx"] for p in report["pairs"]} | {m["tmx"] for m in report["multilingual"]} | {"report.json",
                                                                                          "alignments.json"} == names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_write_leaves_the_previous_output_and_no_temp_file(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs[:2], out)
    before = tree(out)
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("aligner.job.write_tmx", boom)
    with pytest.raises(OSError):
        run(docs, out)
    assert calls
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_unwritable_out_is_refused_before_embedding(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    no_embedding(monkeypatch)
    with pytest.raises(InputError, match="cannot write"):
        run(docs[:2], "/proc")
    with pytest.raises(InputError, match="cannot write"):
        run(docs[:2], "/proc/aligner-out")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        run(docs[:2], blocker / "out")
    with pytest.raises(InputError, match="not a folder"):
        run(docs[:2], blocker)
    assert blocker.read_text() == "x"


ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, cwd):
    # the checkout under test, whatever folder the command runs in
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "aligner", "run", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


def test_cli_run_out_dot_in_the_project_folder_is_refused(small_corpus, tmp_path):
    proj = tmp_path / "proj"
    copy_inputs(small_corpus, proj)
    (proj / "README.md").write_text("mine")
    before = tree(proj)
    result = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "--out", ".", "--no-gaps", cwd=proj)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--force" in result.stderr
    assert tree(proj) == before
    forced = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "--out", ".", "--no-gaps", "--force", cwd=proj)
    assert forced.returncode == 0, forced.stderr
    after = tree(proj)
    assert all(after[k] == v for k, v in before.items())
    assert (proj / "lenin.tl-ne.tmx").is_file()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_cli_run_out_proc_exits_2(small_corpus):
    root, _ = small_corpus
    result = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "--out", "/proc", "--no-gaps", cwd=root)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "/proc" in result.stderr
