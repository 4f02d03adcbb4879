"""The review app (Textual): one pair of documents at a time, in reading order.

Everything it decides goes through aligner.review.view (pure edits) and is
saved to review.json after each change, so a crash or a closed terminal loses
nothing; the TMX files are rewritten when the app quits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from aligner.errors import USER_ERRORS
from aligner.inert import inert
from aligner.review import state as st
from aligner.review import view as rv
from aligner.review.session import PairView, Session

if TYPE_CHECKING:
    from aligner.embed import Encoder

GLYPH = {"confirmed": ("✓", "bold green"), "rejected": ("✗", "bold red"), "related": ("≈", "bold cyan"),
         None: ("·", "dim")}
SIDEBAR_MIN_WIDTH = 140  # below this the section overview is a screen (key o), above it a sidebar
SIDEBAR = 34

VectorsFn = Callable[[PairView], tuple[np.ndarray, np.ndarray]]


def cache_vectors(encoder_name: str) -> VectorsFn:
    """Sentence vectors from the embedding cache, with the encoder the run used."""
    embed_texts = cache_embed(encoder_name)

    def vectors(view: PairView) -> tuple[np.ndarray, np.ndarray]:
        return embed_texts(view.src.texts), embed_texts(view.tgt.texts)
    return vectors


def cache_embed(encoder_name: str) -> Callable[[list[str]], np.ndarray]:
    """``embed`` with the run's encoder, loaded once at first use: the app opens without the model."""
    loaded: list[Encoder] = []

    def embed_texts(texts: list[str]) -> np.ndarray:
        from aligner.embed import DEFAULT_ENCODER, embed, get_encoder

        if not loaded:
            loaded.append(get_encoder(encoder_name or DEFAULT_ENCODER))
        return embed(texts, loaded[0])
    return embed_texts


def _score_text(score: float | None, low: float) -> Text:
    if score is None:
        return Text("")
    style = "red" if score < low else ("yellow" if score < 0.8 else "green")
    return Text(f"{score:.2f}", style=style)


class Choose(ModalScreen):
    """Pick one option (candidates, sections); Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]
    DEFAULT_CSS = """
    Choose { align: center middle; }
    Choose > Vertical { width: 90%; max-width: 120; height: auto; max-height: 90%; border: round $accent;
                        background: $surface; padding: 0 1; }
    Choose OptionList { height: auto; max-height: 18; }
    """

    def __init__(self, title: str, options: Sequence[tuple[str, object]]):
        super().__init__()
        self.title_text = title
        self.choices = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*[Option(Text(label), id=str(k)) for k, (label, _) in enumerate(self.choices)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class Ask(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]
    DEFAULT_CSS = """
    Ask { align: center bottom; }
    Ask > Input { width: 100%; }
    """

    def __init__(self, placeholder: str, value: str = ""):
        super().__init__()
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        yield Input(value=self.value, placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


HELP = """\
move: ↑ ↓ j k PgUp PgDn Home End   next pair: p  previous pair: P
c / space  confirm            C  confirm everything above
x  reject                     e  mark related (kept out of TMX)
r  re-link to a candidate     d  clear the decision
m  merge with the next row    s  split a link
u  undo                       A  re-align what is pending
n  next unconfirmed   l  next low score   g  next gap
f  filter by score band       /  search (again: / Enter)
o  sections and coverage      q  save, write TMX, quit
"""


class ReviewApp(App):
    TITLE = "aligner review"
    CSS = """
    #title { height: 1; background: $boost; }
    #status { height: 1; background: $boost; }
    #sections { width: SIDEBAR_WIDTH; display: none; }
    #sections.shown { display: block; }
    #rows { height: 1fr; }
    """.replace("SIDEBAR_WIDTH", str(SIDEBAR))
    BINDINGS = [
        Binding("q", "quit_review", "quit"),
        Binding("c,space", "confirm", "confirm"),
        Binding("C", "confirm_above", "confirm above", show=False),
        Binding("x", "reject", "reject"),
        Binding("r", "relink", "re-link"),
        Binding("m", "merge", "merge", show=False),
        Binding("s", "split", "split", show=False),
        Binding("e", "related", "related", show=False),
        Binding("d", "clear", "clear", show=False),
        Binding("u", "undo", "undo"),
        Binding("n", "next_pending", "next", show=False),
        Binding("l", "next_low", "low", show=False),
        Binding("g", "next_gap", "gap", show=False),
        Binding("f", "filter", "filter", show=False),
        Binding("slash", "search", "search", show=False),
        Binding("A", "realign", "re-align", show=False),
        Binding("p", "pair(1)", "pair", show=False),
        Binding("P", "pair(-1)", "pair", show=False),
        Binding("o", "overview", "sections", show=False),
        Binding("question_mark", "help", "help"),
        Binding("home", "first", "first", show=False, priority=True),
        Binding("end", "last", "last", show=False, priority=True),
        Binding("j", "move(1)", "down", show=False),
        Binding("k", "move(-1)", "up", show=False),
    ]

    def __init__(self, session: Session, *, vectors: VectorsFn | None = None, embed=None,
                 lang_codes: str | None = None, confirmed_only: bool = False,
                 config: rv.ReviewConfig | None = None):
        super().__init__()
        self.session = session
        self.config = config or rv.ReviewConfig()
        self.vectors_fn = vectors or cache_vectors(session.run.encoder)
        self.embed_fn = embed or cache_embed(session.run.encoder)
        self.lang_codes = lang_codes
        self.confirmed_only = confirmed_only
        self.k = 0
        self.history: list[tuple[Session, int]] = []
        self.band: int | None = None
        self.search_text = ""
        self.rows: list[rv.Row] = []
        self.shown: list[rv.Row] = []
        self.sections: list[rv.Section] = []
        self._vectors: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.message = ""
        self._said_at: str | None = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal():
            yield DataTable(id="rows", cursor_type="row", zebra_stripes=False, show_row_labels=False)
            yield DataTable(id="sections", cursor_type="row", show_row_labels=False)
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_rows()
        self.query_one("#rows", DataTable).focus()

    def on_resize(self) -> None:
        self.refresh_rows(keep=True)

    @property
    def view(self) -> PairView:
        return self.session.pairs[self.k]

    def _widths(self) -> tuple[int, bool]:
        width = self.size.width or 80
        sidebar = width >= SIDEBAR_MIN_WIDTH
        room = width - (SIDEBAR if sidebar else 0) - 2 - 4 - 8 - 2  # glyph, score, padding, scrollbar
        return max(10, room // 2), sidebar

    def refresh_rows(self, keep: bool = True, select: str | None = None) -> None:
        table = self.query_one("#rows", DataTable)
        current = self.current
        target = select or (current.key if keep and current is not None else None)
        self.rows, self.sections = rv.rows_of(self.view)
        self.shown = [r for r in self.rows if self._in_band(r)]
        text_w, sidebar = self._widths()
        table.clear(columns=True)
        table.add_column(" ", width=1, key="st")
        table.add_column("score", width=5, key="score")
        # Text, not str: DataTable reads a str label as markup, and a document name is input.
        table.add_column(Text(inert(f"{self.view.src.name} ({self.view.src.lang})")), width=text_w, key="src")
        table.add_column(Text(inert(f"{self.view.tgt.name} ({self.view.tgt.lang})")), width=text_w, key="tgt")
        for row in self.shown:
            table.add_row(*self._cells(row), height=None, key=row.key)
        index = next((k for k, r in enumerate(self.shown) if r.key == target), None)
        if index is None and target is not None and current is not None:
            index = next((k for k, r in enumerate(self.shown) if set(r.src) & set(current.src)
                          or set(r.tgt) & set(current.tgt)), None)
        if self.shown:
            table.move_cursor(row=min(index or 0, len(self.shown) - 1) if index is not None
                              else min(table.cursor_row, len(self.shown) - 1))
        sections = self.query_one("#sections", DataTable)
        sections.set_class(sidebar, "shown")
        sections.clear(columns=True)
        sections.add_column("section", width=SIDEBAR - 14, key="t")
        sections.add_column("cover", width=8, key="c")
        for s in self.sections:
            a, b = s.coverage
            sections.add_row(Text(inert(s.title), overflow="ellipsis", no_wrap=True),
                             Text(f"{a:3.0f}/{b:3.0f}%"))
        self.update_bars()

    def _cells(self, row: rv.Row) -> tuple:
        glyph, style = GLYPH[row.status]
        view = self.view
        src = " ".join(view.src.sentences[i].text for i in row.src)
        tgt = " ".join(view.tgt.sentences[j].text for j in row.tgt)
        if row.kind == rv.LINK:
            text_style = "bold" if row.heading else ""
        elif row.kind == rv.HEADING:
            text_style = "bold underline"
        else:
            text_style = "yellow" if row.status is None else "red"
        if row.status == "related":
            text_style += " italic cyan"
        return (Text(glyph if row.kind == rv.LINK or row.status else "", style=style),
                _score_text(row.score if row.kind == rv.LINK else None, self.config.low_score),
                Text(inert(src) or "—", style=text_style if src else "dim"),
                Text(inert(tgt) or "—", style=text_style if tgt else "dim"))

    def _in_band(self, row: rv.Row) -> bool:
        if self.band is None:
            return True
        lo, hi = self.config.bands[self.band]
        return row.kind == rv.LINK and row.score is not None and lo <= row.score < hi

    def update_bars(self) -> None:
        c = self.view.counts()
        if self.band is None:
            band = "all"
        else:
            lo, hi = self.config.bands[self.band]
            band = f"{lo:.1f}–{min(1.0, hi):.1f}"
        title = (f" {self.k + 1}/{len(self.session.pairs)} {self.view.src.lang}↔{self.view.tgt.lang}  "
                 f"✓{c['confirmed']} ✗{c['rejected']} ≈{c['related']} ·{c['pending']} pending"
                 + (f" stale {c['stale']}" if c["stale"] else "") + f"  score: {band}")
        self.query_one("#title", Static).update(Text(title, no_wrap=True, overflow="ellipsis"))
        row = self.current
        if self.message:
            status = self.message
        elif row is not None and self.sections:
            s = self.sections[row.section]
            a, b = s.coverage
            status = (f" § {inert(s.title)[:40]}: {a:.0f}% / {b:.0f}% linked, "
                      f"{s.confirmed}/{s.links} confirmed")
        else:
            status = " nothing to show with this filter (f)"
        self.query_one("#status", Static).update(Text(status, no_wrap=True, overflow="ellipsis"))

    @property
    def current(self) -> rv.Row | None:
        try:
            table = self.query_one("#rows", DataTable)
        except NoMatches:  # before mount
            return None
        if not self.shown:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "rows":
            row = self.current
            if row is None or row.key != self._said_at:
                self.message = ""
            self.update_bars()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "sections":
            self._jump(self.sections[event.cursor_row].first)

    # ------------------------------------------------------------ edits

    def _apply(self, edit: Callable[[PairView], PairView], select: str | None = None) -> None:
        row = self.current
        if row is None:
            return
        try:
            new = edit(self.view)
        except USER_ERRORS as exc:
            self.say(str(exc))
            return
        self.history.append((self.session, self.k))
        self.session = self.session.with_pair(self.k, new)
        st.save(self.session.review_state(), self.session.out_dir)
        self.refresh_rows(keep=True, select=select)

    def say(self, message: str) -> None:
        """A message in the status line, kept until the cursor moves to another row."""
        self.message = " " + message
        row = self.current
        self._said_at = row.key if row is not None else None
        self.update_bars()

    def _advance(self) -> None:
        table = self.query_one("#rows", DataTable)
        if table.cursor_row < len(self.shown) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_confirm(self) -> None:
        row = self.current
        if row is None:
            return
        self._apply(lambda v: rv.confirm(v, row))
        if row is not None and row.kind == rv.LINK:
            self._advance()

    def action_confirm_above(self) -> None:
        table = self.query_one("#rows", DataTable)
        upto = self.rows.index(self.shown[table.cursor_row]) if self.shown else 0
        self._apply(lambda v: rv.confirm_above(v, self.rows, upto))

    def action_reject(self) -> None:
        row = self.current
        if row is None:
            return
        self._apply(lambda v: rv.reject(v, row))

    def action_related(self) -> None:
        row = self.current
        if row is None:
            return
        self._apply(lambda v: rv.related(v, row))

    def action_clear(self) -> None:
        row = self.current
        if row is None:
            return
        self._apply(lambda v: rv.clear(v, row))

    def action_merge(self) -> None:
        table = self.query_one("#rows", DataTable)
        if table.cursor_row + 1 >= len(self.shown):
            self.say("no row below to merge with")
            return
        first, second = self.shown[table.cursor_row], self.shown[table.cursor_row + 1]
        self._apply(lambda v: rv.merge(v, first, second))

    def action_split(self) -> None:
        row = self.current
        if row is None:
            return
        self._apply(lambda v: rv.split(v, row))

    def action_undo(self) -> None:
        if not self.history:
            self.say("nothing to undo")
            return
        self.session, self.k = self.history.pop()
        st.save(self.session.review_state(), self.session.out_dir)
        self.refresh_rows(keep=True)
        self.say("undone")

    def _pair_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self.k not in self._vectors:
            self._vectors[self.k] = self.vectors_fn(self.view)
        return self._vectors[self.k]

    def action_relink(self) -> None:
        row = self.current
        if row is None:
            return
        try:
            found = rv.candidates(self.view, row, self._pair_vectors(), self.config.candidates)
        except USER_ERRORS as exc:
            self.say(str(exc))
            return
        other = self.view.tgt if row.src else self.view.src
        now = set(row.tgt if row.src else row.src) if row.kind == rv.LINK else set()
        options = [(f"{score:.2f} {'•' if j in now else ' '} {inert(other.sentences[j].text)}", (j, score))
                   for j, score in found]
        if not options:
            self.say("no candidates: the other document has no sentence with content")
            return

        def chosen(choice) -> None:
            if choice is not None:
                j, score = choice
                self._apply(lambda v: rv.relink(v, row, j, score))
        self.push_screen(Choose("re-link to (cosine, • = current partner):", options), chosen)

    def action_realign(self) -> None:
        try:
            vectors = self._pair_vectors()
            new = self.session.realigned(self.k, vectors, self.embed_fn)
        except USER_ERRORS as exc:
            self.say(str(exc))
            return
        self.history.append((self.session, self.k))
        self.session = new
        self.refresh_rows(keep=True)
        self.say("re-aligned between the confirmed links")

    # ------------------------------------------------------------ moving

    def _jump(self, index_in_rows: int | None, what: str = "") -> None:
        if index_in_rows is None:
            self.say(f"no {what} left" if what else "not found")
            return
        row = self.rows[index_in_rows]
        if row not in self.shown:
            self.band = None
            self.refresh_rows(keep=False)
        self.query_one("#rows", DataTable).move_cursor(row=self.shown.index(row))

    def _from(self) -> int:
        row = self.current
        return self.rows.index(row) if row is not None else -1

    def action_first(self) -> None:
        self.query_one("#rows", DataTable).move_cursor(row=0)

    def action_last(self) -> None:
        self.query_one("#rows", DataTable).move_cursor(row=max(0, len(self.shown) - 1))

    def action_move(self, step: int) -> None:
        table = self.query_one("#rows", DataTable)
        table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + step)))

    def action_next_pending(self) -> None:
        self._jump(rv.next_index(self.rows, self._from(), lambda r: r.kind == rv.LINK and r.status is None),
                   "unconfirmed link")

    def action_next_low(self) -> None:
        low = self.config.low_score
        self._jump(rv.next_index(self.rows, self._from(), lambda r: r.kind == rv.LINK and r.status is None
                                 and r.score is not None and r.score < low), "pending link with a low score")

    def action_next_gap(self) -> None:
        self._jump(rv.next_index(self.rows, self._from(), lambda r: r.kind == rv.GAP), "gap")

    def action_filter(self) -> None:
        n = len(self.config.bands)
        self.band = 0 if self.band is None else (self.band + 1 if self.band + 1 < n else None)
        self.refresh_rows(keep=True)

    def action_search(self) -> None:
        def done(query) -> None:
            if query:
                self.search_text = query
                self._jump(rv.search(self.view, self.rows, self._from(), query))
        self.push_screen(Ask("search both documents (Enter: next match, Esc: cancel)", self.search_text), done)

    def action_pair(self, step: int) -> None:
        self.k = (self.k + step) % len(self.session.pairs)
        self.refresh_rows(keep=False)

    def action_overview(self) -> None:
        options = []
        for k, s in enumerate(self.sections):
            a, b = s.coverage
            options.append((f"{a:3.0f}% {b:3.0f}%  {s.confirmed}/{s.links} ✓  {inert(s.title)[:70]}", k))

        def chosen(k) -> None:
            if k is not None:
                self._jump(self.sections[k].first)
        self.push_screen(Choose(f"sections: {self.view.src.lang} / {self.view.tgt.lang} linked, confirmed",
                                options), chosen)

    def action_help(self) -> None:
        self.push_screen(Choose("keys (Esc closes)", [(line, None) for line in HELP.splitlines()]))

    def action_quit_review(self) -> None:
        try:
            self.session.save(self.lang_codes, self.confirmed_only)
        except USER_ERRORS as exc:
            self.say(str(exc))
            return
        self.exit(self.session)


def run_app(session: Session, *, lang_codes: str | None = None, confirmed_only: bool = False) -> Session:
    app = ReviewApp(session, lang_codes=lang_codes, confirmed_only=confirmed_only)
    result = app.run()
    return result if isinstance(result, Session) else app.session
