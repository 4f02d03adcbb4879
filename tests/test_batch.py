"""`aligner batch`: manifest checks, per-group folders, failures, merged TMX, resume after SIGKILL,
and the same bytes from inline, a process pool, shards and a Dask LocalCluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aligner.batch import BatchOptions, parse_shard, read_batch_manifest, run_batch
from aligner.errors import ConfigError, InputError
from conftest import corpus_slice
from tmx.read import iter_tus

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"


def write_manifest(root: Path, groups: int, *, bad: bool = False, name: str = "m.jsonl") -> Path:
    """Groups of a Tagalog and a Nepali slice of the corpus articles; groups 0 and 1 are identical."""
    tl = [line for line in corpus_slice("lenin.tl.wiki.txt", 12).splitlines() if line.strip()]
    ne = [line for line in corpus_slice("lenin.ne.wiki.txt", 12).splitlines() if line.strip()]
    lines = []
    for g in range(groups):
        folder = root / f"docs{g}"
        folder.mkdir(parents=True, exist_ok=True)
        start = 0 if g < 2 else g % 5
        (folder / "lenin.tl.txt").write_text("\n".join(tl[start:start + 2]) + "\n", encoding="utf-8")
        (folder / "lenin.ne.txt").write_text("\n".join(ne[start:start + 2]) + "\n", encoding="utf-8")
        lines.append(json.dumps({"name": f"g{g:02d}", "documents": [
            {"file": f"docs{g}/lenin.tl.txt", "lang": "tl", "kind": "wiki"},
            {"file": f"docs{g}/lenin.ne.txt", "lang": "ne", "kind": "wiki"}]}))
    if bad:
        lines.insert(1, json.dumps({"name": "broken", "documents": [
            {"file": "missing.tl.txt", "lang": "tl"}, {"file": "docs0/lenin.ne.txt", "lang": "ne"}]}))
    path = root / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tree(out: Path) -> dict[str, bytes]:
    """Every output file but the ledger (which records timings and process ids)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".ledger" not in p.parts}


def batch_cli(*args, cwd, timeout=600):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run([sys.executable, "-m", "aligner", "batch", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=timeout)


# ---------------------------------------------------------------- manifest


@pytest.mark.parametrize("content, needle", [
    ("", "lists no groups"),
    ('{"name": "a", "documents": []}\nnot json\n', ":2: not valid JSON"),
    ('{"name": "a/b", "documents": []}\n', "group name 'a/b'"),
    ('{"name": "merged", "documents": []}\n', "group name 'merged'"),
    ('{"name": "a", "documents": []}\n{"name": "A", "documents": []}\n', "already used on line 1"),
    ('{"name": "a", "documents": [{"lang": "tl"}]}\n', 'needs a "file"'),
    ('["a"]\n', "expected"),
])
def test_a_bad_manifest_is_refused_with_its_line(tmp_path, content, needle):
    path = tmp_path / "m.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle.replace("[", r"\[")):
        read_batch_manifest(path)


def test_paths_are_relative_to_the_manifest(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "m.jsonl"
    path.write_text('\n{"name": "a", "documents": [{"file": "x/a.tl.txt", "lang": "tl", "kind": "wiki"}]}\n',
                    encoding="utf-8")
    (group,) = read_batch_manifest(path)
    assert group.line == 2
    assert Path(group.documents[0].file) == (tmp_path / "sub" / "x" / "a.tl.txt").resolve()
    assert (group.documents[0].lang, group.documents[0].kind) == ("tl", "wiki")


def test_shard_option():
    assert parse_shard("2/8") == (2, 8)
    for bad in ("0/2", "3/2", "1", "a/b"):
        with pytest.raises(ConfigError, match="--shard"):
            parse_shard(bad)


# ---------------------------------------------------------------- one batch


@pytest.fixture(scope="module")
def reference(tmp_path_factory, embed_cache_dir):
    """Four groups and a broken one, inline, pinned: the bytes every executor must reproduce."""
    root = tmp_path_factory.mktemp("batch")
    manifest = write_manifest(root, 4, bad=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run_batch(manifest, root / "ref", BatchOptions(workers=1))
    return root, manifest, result


def test_each_group_gets_what_aligner_run_writes(reference):
    root, _, result = reference
    out = root / "ref"
    for g in ("g00", "g01", "g02", "g03"):
        report = json.loads((out / g / "report.json").read_text(encoding="utf-8"))
        assert [p["languages"] for p in report["pairs"]] == [["tl", "ne"]]
        assert (out / g / report["pairs"][0]["tmx"]).is_file()
    entries = {e["name"]: e for e in result.report["groups"]}
    assert [e["name"] for e in result.report["groups"]] == ["g00", "broken", "g01", "g02", "g03"]
    assert entries["g00"]["status"] == "ok" and entries["g00"]["documents"] == 2
    assert entries["g00"]["sentences"] == json.loads((out / "g00" / "report.json").read_text())["documents"][0][
        "sentences"] + json.loads((out / "g00" / "report.json").read_text())["documents"][1]["sentences"]
    assert result.report["run"] is None and entries["g00"]["seconds"] is None  # pinned: no timings


def test_a_failing_group_is_recorded_and_the_others_finish(reference):
    root, _, result = reference
    entries = {e["name"]: e for e in result.report["groups"]}
    assert entries["broken"]["status"] == "failed"
    assert "missing.tl.txt" in entries["broken"]["error"]
    assert (result.report["ok"], result.report["failed"], result.report["pending"]) == (4, 1, 0)
    assert result.failed == 1 and not (root / "ref" / "broken").exists()


def test_merged_tmx_is_deduplicated_and_names_each_tus_origin(reference):
    root, _, result = reference
    out = root / "ref"
    (merged,) = result.report["merged"]
    assert merged["tmx"] == "merged/tl-ne.tmx" and merged["groups"] == 4
    per_group = {g: list(iter_tus(out / g / "lenin.tl-ne.tmx")) for g in ("g00", "g01", "g02", "g03")}
    assert per_group["g00"], "the slice must give at least one TU"
    tus = list(iter_tus(out / "merged" / "tl-ne.tmx"))
    assert merged["read"] == sum(len(v) for v in per_group.values())
    assert merged["duplicates"] >= len(per_group["g01"])  # g01 repeats g00 word for word
    assert len(tus) == merged["tus_written"] == merged["read"] - merged["duplicates"]
    keys = [(tu.text("tl"), tu.text("ne")) for tu in tus]
    assert len(set(keys)) == len(keys)
    origins = [tu.prop("x-origin") for tu in tus]
    assert all(o and o.split("/")[0] in per_group for o in origins)
    assert "g01/lenin.tl-ne.tmx" not in origins  # its TUs were all g00's first
    for tu in tus:
        group = tu.prop("x-origin").split("/")[0]
        assert (tu.text("tl"), tu.text("ne")) in {(t.text("tl"), t.text("ne")) for t in per_group[group]}


def test_a_rerun_skips_every_finished_group_and_redoes_a_changed_one(reference, tmp_path):
    root, manifest, _ = reference
    import shutil

    out = tmp_path / "out"
    shutil.copytree(root / "ref", out)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        again = run_batch(manifest, out, BatchOptions(workers=1))
        assert again.skipped == 4 and [r.name for r in again.ran] == []  # the broken one stays failed
        assert tree(out) == tree(root / "ref")
        doc = root / "docs3" / "lenin.tl.txt"
        original = doc.read_bytes()
        try:
            doc.write_bytes(original + b"Si Lenin ay isang rebolusyonaryo.\n")
            changed = run_batch(manifest, out, BatchOptions(workers=1))
        finally:
            doc.write_bytes(original)
    assert changed.skipped == 3 and [r.name for r in changed.ran] == ["g03"]


def test_cli_exit_code_says_some_groups_failed(reference, tmp_path):
    root, manifest, _ = reference
    import shutil

    out = tmp_path / "out"
    shutil.copytree(root / "ref", out)
    result = batch_cli(manifest, "--out", out, "--workers", "1", cwd=ROOT)
    assert result.returncode == 6, result.stderr
    assert "Traceback" not in result.stderr
    assert "skipping 4 groups already done" in result.stderr
    assert "broken" in result.stdout and "failed" in result.stdout
    assert batch_cli(root / "nope.jsonl", "--out", out, cwd=ROOT).returncode == 2
    assert batch_cli(manifest, "--out", out, "--shard", "3/2", cwd=ROOT).returncode == 3


# ---------------------------------------------------------------- resume after SIGKILL


def test_sigkill_mid_batch_loses_nothing_and_recomputes_nothing_finished(tmp_path, embed_cache_dir):
    manifest = write_manifest(tmp_path, 10)
    out = tmp_path / "out"
    ledger = out / ".ledger" / "ledger.jsonl"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.Popen([sys.executable, "-m", "aligner", "batch", str(manifest), "--out", str(out),
                             "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if ledger.is_file() and ledger.read_text(encoding="utf-8").count("\n") >= 2:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, "the batch finished before the kill; it needs more groups"
    finished = [json.loads(line)["name"] for line in ledger.read_text(encoding="utf-8").splitlines()]
    assert 2 <= len(finished) < 10
    inodes = {g: (out / g).stat().st_ino for g in finished}

    result = batch_cli(manifest, "--out", out, "--workers", "1", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert f"skipping {len(finished)} groups already done" in result.stderr
    assert f"{10 - len(finished)} groups run" in result.stderr
    assert {g: (out / g).stat().st_ino for g in finished} == inodes  # not recomputed
    assert not [p for p in out.iterdir() if p.name.startswith(".g")]  # no scratch folder left

    clean = tmp_path / "clean"
    assert batch_cli(manifest, "--out", clean, "--workers", "1", cwd=ROOT).returncode == 0
    assert tree(out) == tree(clean)


# ---------------------------------------------------------------- same bytes everywhere


def test_pool_shards_and_dask_give_byte_identical_output(reference, tmp_path):
    root, manifest, _ = reference
    expected = tree(root / "ref")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run_batch(manifest, tmp_path / "pool", BatchOptions(workers=2))
        shards = [run_batch(manifest, tmp_path / "shards", BatchOptions(workers=1, shard=(i, 2))) for i in (1, 2)]
        assert [[r.name for r in s.ran] for s in shards] == [["g00", "g01", "g03"], ["g02"]]
        final = run_batch(manifest, tmp_path / "shards", BatchOptions(workers=1))
        assert len(final.ran) == 0 and final.skipped == 4
        run_batch(manifest, tmp_path / "dask", BatchOptions(workers=2, dask="local"))
    for name in ("pool", "shards", "dask"):
        got = tree(tmp_path / name)
        assert got.keys() == expected.keys(), name
        assert [k for k in got if got[k] != expected[k]] == [], name
