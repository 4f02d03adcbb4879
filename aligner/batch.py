"""Many document groups, each aligned like ``aligner run``, resumable and spread over processes.

A batch is a JSONL manifest, one group per line in the shape of ``corpus/manifest.json``.
Every group runs through the one task function, ``run_group``, whether inline, in a
local process pool or on a dask.distributed cluster, and writes ``DIR/<name>/`` with
``run_job``. The coordinator alone writes the done-ledger, the batch report and the
merged TMX files, so workers need nothing but the shared output folder.

Why a ledger and not "does the folder exist": a folder may come from an older run with
other inputs, options or encoder. Each ledger line records the hash of a group's input
bytes and the signature it ran under, so a resumed batch redoes exactly what changed
or never finished, and a SIGKILL loses at most the groups that were running.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aligner.atomic import atomic_open
from aligner.cores import cores
from aligner.errors import USER_ERRORS, ConfigError, InputError
from aligner.job import JobOptions, signature

__all__ = [
    "LEDGER_DIR",
    "MERGED_DIR",
    "REPORT_FILE",
    "BatchOptions",
    "BatchResult",
    "DocSpec",
    "Group",
    "GroupResult",
    "GroupTask",
    "group_key",
    "parse_shard",
    "read_batch_manifest",
    "run_batch",
    "run_group",
]

LEDGER_DIR = ".ledger"
REPORT_FILE = "batch.json"
MERGED_DIR = "merged"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_RESERVED = {MERGED_DIR, REPORT_FILE}


@dataclass(frozen=True)
class DocSpec:
    file: str  # absolute path (the manifest gives it relative to itself)
    lang: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Group:
    name: str
    documents: tuple[DocSpec, ...]
    line: int  # 1-based line in the manifest, for messages


@dataclass(frozen=True)
class GroupTask:
    """Everything a worker needs, picklable, so the pool and dask run the same call."""

    group: Group
    out_root: str
    key: str
    options: JobOptions = JobOptions()
    encoder: str | None = None
    threads: int | None = None
    # The coordinator's SOURCE_DATE_EPOCH: dask workers do not inherit its environment.
    source_date_epoch: str | None = None


@dataclass(frozen=True)
class GroupResult:
    name: str
    key: str
    status: str  # "ok" or "failed"
    error: str | None = None
    documents: int | None = None
    sentences: int | None = None
    pairs: int | None = None
    tus_written: int | None = None
    multilingual_tus: int | None = None
    texts_embedded: int | None = None
    tmx: tuple[tuple[str, str, str, int], ...] = ()  # (file, src lang, tgt lang, TUs)
    signature: str | None = None
    seconds: float = field(default=0.0, compare=False)
    peak_rss_mb: float = field(default=0.0, compare=False)
    pid: int = field(default=0, compare=False)

    @classmethod
    def from_json(cls, entry: dict) -> GroupResult:
        entry = dict(entry)
        entry["tmx"] = tuple(tuple(t) for t in entry.get("tmx") or ())
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in entry.items() if k in known})


@dataclass(frozen=True)
class BatchOptions:
    job: JobOptions = JobOptions()
    encoder: str | None = None
    workers: int = 1  # local processes; 1 runs inline
    threads: int | None = None  # encoder threads per worker; None: cores / workers
    dask: str | None = None  # scheduler address, or "local" for a LocalCluster of `workers`
    shard: tuple[int, int] = (1, 1)  # (i, n), 1-based: groups whose index % n == i - 1


@dataclass(frozen=True)
class BatchResult:
    out_dir: Path
    report: dict
    ran: tuple[GroupResult, ...]  # this run's groups, in manifest order
    skipped: int  # already done under the same inputs and signature
    failed: int  # groups of this shard that failed (this run, or unreadable inputs)
    seconds: float


# ---------------------------------------------------------------- manifest


def read_batch_manifest(path: str | os.PathLike) -> tuple[Group, ...]:
    """The groups of a JSONL manifest; paths are relative to the manifest's folder."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{p}: no such batch manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the batch manifest ({exc})") from None
    base = p.resolve().parent
    groups: list[Group] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{p}:{n}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg}); one group per line") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("documents"), list):
            raise InputError(f'{where}: expected {{"name": ..., "documents": [{{"file", "lang", "kind"}}, ...]}}')
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name) or name in _RESERVED:
            raise InputError(
                f"{where}: group name {name!r} must be 1-128 letters, digits, '.', '_' or '-', start "
                f"with a letter or digit, and not be {' or '.join(sorted(_RESERVED))} (it names the output folder)")
        if name.lower() in seen:
            raise InputError(f"{where}: group name {name!r} is already used on line {seen[name.lower()]}")
        seen[name.lower()] = n
        docs = []
        for d in entry["documents"]:
            if not isinstance(d, dict) or not isinstance(d.get("file"), str):
                raise InputError(f'{where}: every document needs a "file" entry, got {d!r}')
            lang, kind = d.get("lang"), d.get("kind")
            if lang is not None and not isinstance(lang, str) or kind is not None and not isinstance(kind, str):
                raise InputError(f"{where}: \"lang\" and \"kind\" must be strings, got {d!r}")
            docs.append(DocSpec(str(base / d["file"]), lang, kind))
        groups.append(Group(name, tuple(docs), n))
    if not groups:
        raise InputError(f"{p}: the batch manifest lists no groups")
    return tuple(groups)


def group_key(group: Group, sig: str) -> str:
    """Hash of the signature, the group's name and every document's bytes, language and kind."""
    h = hashlib.sha256()
    h.update(json.dumps([sig, group.name]).encode())
    for d in group.documents:
        try:
            data = Path(d.file).read_bytes()
        except OSError as exc:
            raise InputError(f"{d.file}: {exc.strerror or exc}") from None
        h.update(json.dumps([Path(d.file).name, d.lang, d.kind, hashlib.sha256(data).hexdigest()]).encode())
    return h.hexdigest()


def parse_shard(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ConfigError(f"--shard {text!r}: give I/N with 1 <= I <= N, e.g. 2/8")
    return int(m.group(1)), int(m.group(2))


# ---------------------------------------------------------------- the task


def _apply_epoch(value: str | None) -> None:
    # Every task of a batch carries the same value, so concurrent tasks agree; not restored.
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def run_group(task: GroupTask) -> GroupResult:
    """Align one group into ``out_root/<name>/``; a failure is a result, never an exception.

    KeyboardInterrupt still propagates, so Ctrl-C stops a batch.
    """
    from aligner.embed import DEFAULT_ENCODER, get_encoder
    from aligner.ingest import read_document
    from aligner.job import run_job

    t0 = time.perf_counter()
    group = task.group

    def failed(error: str) -> GroupResult:
        return GroupResult(group.name, task.key, "failed", error=error, seconds=time.perf_counter() - t0,
                           peak_rss_mb=_peak_rss_mb(), pid=os.getpid())

    try:
        _apply_epoch(task.source_date_epoch)
        docs = [read_document(d.file, lang=d.lang, kind=d.kind, name=Path(d.file).stem) for d in group.documents]
        enc = get_encoder(task.encoder or DEFAULT_ENCODER, threads=task.threads)
        # run_job finishes or undoes what a killed run of this group left in its folder
        result = run_job(docs, Path(task.out_root) / group.name, encoder=enc, options=task.options,
                         inputs=[d.file for d in group.documents])
    except USER_ERRORS as exc:
        return failed(str(exc))
    except Exception as exc:  # a bug in one group must not stop the batch
        return failed(f"internal error: {type(exc).__name__}: {exc}")
    report = result.report
    return GroupResult(
        group.name, task.key, "ok", pid=os.getpid(),
        documents=len(docs),
        sentences=sum(len(d.sentences) for d in docs),
        pairs=len(report["pairs"]),
        tus_written=sum(p["tus_written"] for p in report["pairs"]),
        multilingual_tus=sum(m["tus_written"] for m in report["multilingual"]),
        texts_embedded=result.embedded.embedded_texts,
        tmx=tuple((p["tmx"], p["languages"][0], p["languages"][1], p["tus_written"]) for p in report["pairs"]),
        signature=report["signature"],
        seconds=time.perf_counter() - t0,
        peak_rss_mb=_peak_rss_mb(),
    )


# ---------------------------------------------------------------- the ledger


class Ledger:
    """Append-only JSONL, one line per finished group, fsynced; one file per shard.

    Shards of a job array may run at once in one folder, so each appends to its own
    file and readers take the union. A line cut short by a kill is ignored.
    """

    def __init__(self, out_dir: Path, shard: tuple[int, int]):
        self.folder = out_dir / LEDGER_DIR
        i, n = shard
        self.path = self.folder / ("ledger.jsonl" if n == 1 else f"ledger-{i}of{n}.jsonl")

    def entries(self) -> list[GroupResult]:
        out = []
        for f in sorted(self.folder.glob("ledger*.jsonl")) if self.folder.is_dir() else ():
            for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    out.append(GroupResult.from_json(json.loads(line)))
                except (ValueError, TypeError, AttributeError):
                    continue
        return out

    def record(self, result: GroupResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(result), ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())


def _status(entries: Iterable[GroupResult]) -> dict[str, GroupResult]:
    """Per key: an ok entry if there is one, else the last failure."""
    out: dict[str, GroupResult] = {}
    for e in entries:
        if e.key not in out or out[e.key].status != "ok":
            out[e.key] = e
    return out


# ---------------------------------------------------------------- executors

OnResult = Callable[[GroupResult, int, int], None]


def _run_inline(tasks: Sequence[GroupTask]) -> Iterator[GroupResult]:
    for t in tasks:
        yield run_group(t)


def _run_pool(tasks: Sequence[GroupTask], workers: int) -> Iterator[GroupResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a forked child would inherit the parent's OpenMP and numba thread state.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(run_group, t): t for t in tasks}
        for fut in as_completed(futures):
            t = futures[fut]
            try:
                yield fut.result()
            except BrokenProcessPool as exc:
                yield GroupResult(t.group.name, t.key, "failed", error=f"worker process died: {exc}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_client(address: str, workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError(f"--dask needs dask.distributed: pip install 'aligner[dask]' ({exc})") from None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        return Client(cluster), cluster
    try:
        return Client(address, timeout="30s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"--dask {address}: cannot reach the scheduler ({exc})") from None


def _run_dask(tasks: Sequence[GroupTask], address: str, workers: int) -> Iterator[GroupResult]:
    from distributed import as_completed

    client, cluster = _dask_client(address, workers)
    try:
        futures = {client.submit(run_group, t, key=f"aligner-group-{t.group.name}-{t.key[:16]}", pure=False): t
                   for t in tasks}
        for fut in as_completed(list(futures)):
            t = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker, lost connection: this group failed
                yield GroupResult(t.group.name, t.key, "failed", error=f"dask: {type(exc).__name__}: {exc}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- the batch


def run_batch(manifest: str | os.PathLike, out_dir: str | os.PathLike, options: BatchOptions = BatchOptions(),
              *, on_start: Callable[[int, int], None] | None = None,
              on_result: OnResult | None = None) -> BatchResult:
    """Run every group of this shard not already done; then write the report and merged TMX.

    ``on_start(to_run, skipped)`` fires before the first group, ``on_result(result, done,
    total)`` after each. The report covers the whole manifest, so the last shard of a job
    array (or a plain re-run, which skips everything) leaves the complete picture.
    """
    from aligner.embed import DEFAULT_ENCODER, get_encoder

    t0 = time.perf_counter()
    if options.workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {options.workers}")
    if options.threads is not None and options.threads < 1:
        raise ConfigError(f"--threads must be >= 1, got {options.threads}")
    groups = read_batch_manifest(manifest)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    enc = get_encoder(options.encoder or DEFAULT_ENCODER)
    sig = signature(enc.identity, options.job)
    i, n = options.shard

    keys: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for g in groups:
        try:
            keys[g.name] = group_key(g, sig)
        except InputError as exc:
            unreadable[g.name] = str(exc)
    ledger = Ledger(out, options.shard)
    status = _status(ledger.entries())
    mine = [g for k, g in enumerate(groups) if k % n == i - 1]

    def done(g: Group) -> bool:
        e = status.get(keys.get(g.name, ""))
        return e is not None and e.status == "ok" and (out / g.name / "report.json").is_file()

    todo = [g for g in mine if g.name in keys and not done(g)]
    skipped = sum(1 for g in mine if g.name in keys and done(g))
    if options.dask:
        threads = options.threads or (1 if options.dask != "local" else
                                      max(1, cores() // options.workers))
    else:
        threads = options.threads or max(1, cores() // options.workers)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    tasks = [GroupTask(g, str(out), keys[g.name], options.job, options.encoder, threads, epoch) for g in todo]
    if on_start:
        on_start(len(tasks), skipped)

    out.mkdir(parents=True, exist_ok=True)
    if not tasks:
        results: Iterator[GroupResult] = iter(())
    elif options.dask:
        results = _run_dask(tasks, options.dask, options.workers)
    elif options.workers == 1 or len(tasks) == 1:
        results = _run_inline(tasks)
    else:
        results = _run_pool(tasks, min(options.workers, len(tasks)))
    ran: dict[str, GroupResult] = {}
    try:
        for k, r in enumerate(results, 1):
            ledger.record(r)
            ran[r.name] = r
            if on_result:
                on_result(r, k, len(tasks))
    finally:
        close = getattr(results, "close", None)
        if close:
            close()

    status = _status(ledger.entries())
    seconds = time.perf_counter() - t0
    report = _report(groups, keys, unreadable, status, sig, out, options, ran, skipped, seconds,
                     {g.name for g in mine})
    with atomic_open(out / REPORT_FILE, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=2)
        f.write("\n")
    failed = _failed(report, {g.name for g in mine})
    order = {g.name: k for k, g in enumerate(groups)}
    return BatchResult(out, report, tuple(sorted(ran.values(), key=lambda r: order[r.name])),
                       skipped, failed, seconds)


def _failed(report: dict, names: set[str]) -> int:
    return sum(1 for e in report["groups"] if e["name"] in names and e["status"] == "failed")


def _report(groups, keys, unreadable, status, sig, out: Path, options: BatchOptions,
            ran: dict[str, GroupResult], skipped: int, seconds: float, mine: set[str]) -> dict:
    pinned = "SOURCE_DATE_EPOCH" in os.environ
    entries = []
    oks: list[tuple[Group, GroupResult]] = []
    for g in groups:
        e = status.get(keys.get(g.name, ""))
        if g.name in unreadable:
            entry = {"name": g.name, "status": "failed", "error": unreadable[g.name]}
        elif e is None:
            entry = {"name": g.name, "status": "pending", "error": None}
        else:
            entry = {"name": g.name, "status": e.status, "error": e.error}
            if e.status == "ok":
                oks.append((g, e))
        ok = entry["status"] == "ok"
        for k in ("documents", "sentences", "pairs", "tus_written", "multilingual_tus"):
            entry[k] = getattr(e, k) if ok else None
        entry["seconds"] = None if pinned or e is None else round(e.seconds, 3)
        entries.append(entry)
    counts = {s: sum(1 for e in entries if e["status"] == s) for s in ("ok", "failed", "pending")}
    report = {
        "signature": sig,
        "groups_total": len(groups),
        **counts,
        "merged": _merge(oks, out, options.job),
        "run": None if pinned else {
            "shard": f"{options.shard[0]}/{options.shard[1]}", "ran": len(ran), "skipped": skipped,
            "failed": 0,  # of this shard, set below
            "executor": f"dask {options.dask}" if options.dask else
            ("inline" if options.workers == 1 else f"pool of {options.workers}"),
            "seconds": round(seconds, 3)},
        "groups": entries,
    }
    if report["run"]:
        report["run"]["failed"] = _failed(report, mine)
    return report


def _merge(oks: Sequence[tuple[Group, GroupResult]], out: Path, job: JobOptions) -> list[dict]:
    """One deduplicated TMX per language pair over the finished groups, in manifest order."""
    from aligner.formats import TOOL
    from tmx.merge import merge_tmx

    by_pair: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for g, e in oks:
        for file, src, tgt, tus in e.tmx:
            by_pair.setdefault((src, tgt), []).append((g.name, file, tus))
    folder = out / MERGED_DIR
    folder.mkdir(exist_ok=True)
    written = set()
    entries = []
    for (src, tgt), items in sorted(by_pair.items()):
        inputs = [(f"{name}/{file}", tus) for name, file, tus in items if tus > 0]
        entry: dict = {"languages": [src, tgt], "groups": len(items), "tmx": None,
                       "read": 0, "duplicates": 0, "tus_written": 0}
        if inputs:
            name = f"{src}-{tgt}.tmx"
            stats = merge_tmx([out / p for p, _ in inputs], folder / name, tool=TOOL, lang_codes=job.tmx.lang_codes,
                              origins=[p for p, _ in inputs])
            written.add(name)
            entry.update(tmx=f"{MERGED_DIR}/{name}", read=stats.read, duplicates=stats.duplicates,
                         tus_written=stats.write.written)
        entries.append(entry)
    for stale in folder.glob("*.tmx"):
        if stale.name not in written:
            stale.unlink()
    return entries
