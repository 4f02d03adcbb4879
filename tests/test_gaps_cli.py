"""`aligner gaps` end to end: real files, real encoder, real aligner, a real terminal (tmux)."""

import json
import os
import re
import shlex
import subprocess
import sys
import time

import pytest
import wcwidth

from needs import need_tmux

ANSI = re.compile(r"\x1b[\[\]]")

SHARED = [  # (Tagalog, Nepali): the same content in both versions
    ("Si Vladimir Lenin ay ipinanganak sa Simbirsk noong 1870.",
     "भ्लादिमिर लेनिनको जन्म सन् १८७० मा सिम्बिर्स्कमा भएको थियो।"),
    ("Ang kanyang nakatatandang kapatid ay binitay noong 1887.",
     "उनका दाजुलाई सन् १८८७ मा मृत्युदण्ड दिइयो।"),
    ("Nag-aral siya ng batas sa Unibersidad ng Kazan.",
     "उनले कजान विश्वविद्यालयमा कानुन पढे।"),
    ("Noong 1917, pinamunuan niya ang Rebolusyong Oktubre.",
     "सन् १९१७ मा उनले अक्टोबर क्रान्तिको नेतृत्व गरे।"),
    ("Siya ang naging pinuno ng pamahalaang Sobyet, at itinatag niya ang Komunistang Internasyonal.",
     "उनी सोभियत सरकारका प्रमुख बने र उनले कम्युनिस्ट इन्टरनेसनलको स्थापना गरे, जसले विश्वभरिका "
     "क्रान्तिकारी पार्टीहरूलाई एकताबद्ध गर्ने प्रयास गर्‍यो।"),
    ("Namatay si Lenin noong 1924 sa Gorki.",
     "लेनिनको मृत्यु सन् १९२४ मा गोर्कीमा भयो।"),
]
TL_ONLY = [
    "Mahilig siyang maglaro ng chess tuwing Linggo kasama ang kanyang mga kaibigan.",
    "Sumulat siya ng maraming aklat tungkol sa ekonomiya ng mga magsasaka.",
]
NE_ONLY = [
    "उनको शव आज पनि मस्कोको रेड स्क्वायरमा राखिएको छ।",
    # from the corpus: a stray vowel sign after a space, 78 cells for wcwidth, 80 in tmux
    "लेनिनले अब मजदूरहरू र कुन ानहरूका संसारका यस प्रथम राज्यका निर्माणको कार्य आफ्नो हाथमा लिया।",
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("gaps")
    tl = [SHARED[0][0], SHARED[1][0], *TL_ONLY, *(p[0] for p in SHARED[2:])]
    ne = [p[1] for p in SHARED[:4]] + NE_ONLY[:1] + [p[1] for p in SHARED[4:]] + NE_ONLY[1:]
    (root / "lenin.tl.txt").write_text("\n".join(tl) + "\n", encoding="utf-8")
    (root / "lenin.ne.txt").write_text("\n".join(ne) + "\n", encoding="utf-8")
    (root / "empty.ne.txt").write_text("", encoding="utf-8")
    (root / "other.tl.txt").write_text("\n".join(reversed(tl)) + "\n", encoding="utf-8")
    (root / "cache").mkdir()
    return root


def cli_env(root):
    env = dict(os.environ, ALIGNER_CACHE_DIR=str(root / "cache"))
    env.pop("NO_COLOR", None)
    return env


def gaps_argv(root, *extra):
    return [sys.executable, "-m", "aligner", "gaps", str(root / "lenin.tl.txt"),
            str(root / "lenin.ne.txt"), "--presplit", "--lang", "tl", "ne", *extra]


def run_in_tmux(root, argv, width, height=200):
    """Run argv in a detached tmux pane of the given size; return the screen (wrapped lines joined)."""
    sock = root / f"tmux-{width}.sock"
    done = root / f"done-{width}"
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in
                   {"ALIGNER_CACHE_DIR": str(root / "cache"), "TERM": "xterm-256color"}.items())
    shell = f"env -u NO_COLOR {env} {shlex.join(argv)}; echo $? > {shlex.quote(str(done))}; sleep 60"
    base = ["tmux", "-S", str(sock), "-f", "/dev/null"]
    subprocess.run([*base, "new-session", "-d", "-s", "gaps", "-x", str(width), "-y", str(height),
                    shell], check=True)
    try:
        deadline = time.monotonic() + 120
        while not done.exists() or not done.read_text().strip():
            assert time.monotonic() < deadline, "aligner gaps did not finish in tmux"
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
        screen = subprocess.run([*base, "capture-pane", "-p", "-J", "-t", "gaps", "-S", "-"],
                                check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)
    return screen


@pytest.mark.parametrize("width", [80, 160])
def test_diff_in_a_real_terminal(files, width):
    need_tmux()
    screen = run_in_tmux(files, gaps_argv(files), width)
    lines = [line.rstrip() for line in screen.splitlines()]
    # capture-pane -J joins the lines the terminal wrapped, so any overflow shows up here
    assert max(wcwidth.wcswidth(line) for line in lines) <= width
    assert "Simbirsk" in screen and "सिम्बिर्स्कमा" in screen
    tl_marked = [line for line in lines if line.startswith("+tl")]
    ne_marked = [line for line in lines if line.startswith("+ne")]
    assert len(tl_marked) == len(TL_ONLY) and "chess" in tl_marked[0]
    assert len(ne_marked) == len(NE_ONLY) and "मस्कोको" in ne_marked[0]
    assert "Nepali: 6 of 8 sentences have a Tagalog counterpart" in screen
    assert "Tagalog: 6 of 8 sentences have a Nepali counterpart" in screen


def test_piped_output_is_plain_text(files):
    out = subprocess.run(gaps_argv(files), capture_output=True, text=True, env=cli_env(files))
    assert out.returncode == 0, out.stderr
    assert not ANSI.search(out.stdout)
    assert "+tl" in out.stdout and "Gorki" in out.stdout
    assert "Traceback" not in out.stderr


def test_json_rows_cover_every_sentence_once(files, tmp_path):
    target = tmp_path / "report.json"
    out = subprocess.run(gaps_argv(files, "-o", str(target)), capture_output=True, text=True,
                         env=cli_env(files))
    assert out.returncode == 0, out.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    for d, doc in enumerate(data["documents"]):
        seen = sorted(s for row in data["rows"] for s in row["cells"][d])
        assert seen == list(range(len(doc["sentences"])))
    only = {row["status"] for row in data["rows"] if row["status"].startswith("only-in")}
    assert only == {"only-in-tl", "only-in-ne"}
    again = tmp_path / "again.json"
    subprocess.run(gaps_argv(files, "-o", str(again)), check=True, capture_output=True,
                   env=cli_env(files))
    assert again.read_bytes() == target.read_bytes()


def test_html_export_is_a_page(files, tmp_path):
    target = tmp_path / "gaps.html"
    subprocess.run(gaps_argv(files, "-o", str(target)), check=True, capture_output=True,
                   env=cli_env(files))
    page = target.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "Kazan" in page


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt", "lenin.ne.txt"], "no such file"),
        (["lenin.tl.txt"], "2 or 3 files"),
        (["lenin.tl.txt", "empty.ne.txt", "--lang", "tl", "ne"], "empty"),
        (["lenin.tl.txt", "other.tl.txt"], "same language"),
        (["lenin.tl.txt", "lenin.ne.txt", "--lang", "tl"], "one per file"),
        (["lenin.tl.txt", "lenin.ne.txt", "--lang", "en", "ne"], "looks like Tagalog"),
        (["lenin.tl.txt", "lenin.ne.txt", "-o", "no-such-folder/out.json"], "does not exist"),
    ],
)
def test_bad_input_gives_a_message_and_exit_code_2(files, args, message):
    argv = [sys.executable, "-m", "aligner", "gaps", "--presplit",
            *[str(files / a) if a.endswith(".txt") else a for a in args]]
    out = subprocess.run(argv, capture_output=True, text=True, env=cli_env(files), cwd=files)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_section_option_shows_one_section_or_lists_them(files):
    out = subprocess.run(gaps_argv(files, "--section", "1"), capture_output=True, text=True,
                         env=cli_env(files))
    assert out.returncode == 0, out.stderr
    assert "Section 1 of 1: (before the first heading)" in out.stdout and "Gorki" in out.stdout
    bad = subprocess.run(gaps_argv(files, "--section", "Legasiya"), capture_output=True, text=True,
                         env=cli_env(files))
    assert bad.returncode == 3
    assert "no section is called 'Legasiya'; the sections are: 1 (before the first heading)" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_piped_text_has_the_width_of_columns(files):
    env = dict(cli_env(files), COLUMNS="120")
    out = subprocess.run(gaps_argv(files), capture_output=True, text=True, env=env)
    lines = out.stdout.splitlines()
    assert max(wcwidth.wcswidth(line) for line in lines) <= 120
    assert "─" * 120 in lines  # the rule under the column headers spans the width asked for
