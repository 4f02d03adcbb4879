"""The PDF cleaner's passes, one at a time, on small constructed layouts."""

from __future__ import annotations

from aligner.ingest import pdf
from aligner.ingest.pdf import BODY, DROP, HEADING, NOTE, NOTE_START, Layout


def roles(text: str, *passes) -> list[tuple[str, str]]:
    layout = Layout.of(text)
    for p in passes:
        p(layout)
    return [(r, s) for r, s in zip(layout.roles, layout.stripped) if s]


def test_page_number_between_blank_lines_and_the_header_after_it_are_dropped():
    text = "the party \n\n- 12 -\n\nA Short History\n\nof the working class. \n\n12 men came.\n"
    assert roles(text, pdf.drop_page_numbers) == [
        (BODY, "the party"),
        (DROP, "- 12 -"),
        (DROP, "A Short History"),
        (BODY, "of the working class."),
        (BODY, "12 men came."),  # a number opening a line is not a page number
    ]


def test_a_line_after_a_page_number_that_ends_a_sentence_is_kept():
    assert roles("x \n\nPage 3 of 9\n\nThe end came.\n", pdf.drop_page_numbers)[1:] == [
        (DROP, "Page 3 of 9"),
        (BODY, "The end came."),
    ]


def test_running_header_is_a_short_line_standing_alone_three_times():
    block = "Text goes on \n\nThe Book\n\n"
    text = block * 3 + "Twice Only\n\nmore \n\nTwice Only\n\nEnd.\n"
    got = roles(text, pdf.drop_running_headers)
    assert got.count((DROP, "The Book")) == 3
    assert got.count((BODY, "Twice Only")) == 2


def test_footnotes_are_numbered_in_sequence_after_a_blank_line():
    text = "body text \n\n1. First note\ngoes on.\n 2 continues the body\n\n2 Second note.\n\n9 Nine is out of sequence.\n"
    layout = Layout.of(text)
    pdf.mark_footnotes(layout)
    assert [(r, s) for r, s in zip(layout.roles, layout.stripped) if s] == [
        (BODY, "body text"),
        (NOTE_START, "1. First note"),
        (NOTE, "goes on."),
        (BODY, "2 continues the body"),  # indented: the body resumes
        (NOTE_START, "2 Second note."),
        (BODY, "9 Nine is out of sequence."),
    ]
    assert layout.footnote_numbers == {1, 2}


def test_headings_are_chapter_lines_and_short_unpunctuated_lines_after_a_blank():
    text = "Chapter IV.\n\nThe Theory\n\nThe theory is short.\n\nand lowercase\n\nEnds with a comma,\n\nWrapped line \n"
    assert roles(text, pdf.mark_headings) == [
        (HEADING, "Chapter IV."),
        (HEADING, "The Theory"),
        (BODY, "The theory is short."),
        (BODY, "and lowercase"),
        (BODY, "Ends with a comma,"),
        (BODY, "Wrapped line"),
    ]


def test_assemble_joins_wrapped_lines_and_keeps_a_footnote_out_of_the_sentence():
    text = "It leads the anti-\nTsarist fight and the expo-\nsition of it \n\n1. A note.\n goes on here.\n"
    layout = Layout.of(text)
    for p in (pdf.mark_footnotes, pdf.mark_headings):
        p(layout)
    blocks = pdf.assemble(layout)
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "It leads the anti-Tsarist fight and the exposition of it   goes on here."),
        ("footnote", "A note."),
    ]
    para = blocks[0]
    i = para.text.index("Tsarist")
    assert text[para.source_offset(i) :].startswith("Tsarist")


def test_assemble_drops_footnote_reference_digits_glued_to_a_word():
    text = "Dedicated to the Lenin Enrollment1\n\n1 The Lenin Enrollment was a call.\n"
    layout = Layout.of(text)
    pdf.mark_footnotes(layout)
    assert [(b.kind, b.text) for b in pdf.assemble(layout)] == [
        ("paragraph", "Dedicated to the Lenin Enrollment"),
        ("footnote", "The Lenin Enrollment was a call."),
    ]


def test_every_kind_in_the_registry_has_a_cleaner_and_a_layout_test():
    from aligner.ingest.registry import FALLBACK, KINDS, source_kind

    assert FALLBACK in KINDS
    for name in KINDS:
        kind = source_kind(name)
        assert kind.name == name
        assert isinstance(kind.clean("A line.\n"), list)
        assert kind.sniff("") is False


def test_the_segment_cli_offers_every_registered_kind():
    import argparse

    from aligner.cli import segment
    from aligner.ingest import KINDS

    parser = argparse.ArgumentParser()
    segment.register(parser.add_subparsers())
    (action,) = [a for a in parser._subparsers._group_actions[0].choices["segment"]._actions if a.dest == "kind"]
    assert tuple(action.choices) == KINDS


def test_a_line_ending_in_a_colon_goes_on_into_the_quotation_after_it():
    text = "Marx wrote in the Manifesto:\n\n“The Communists turn to Ger-\nmany.”\n\nIn other words:\n\nthe centre moved.\n"
    layout = Layout.of(text)
    pdf.join_quotations(layout)
    assert layout.continued == {0}  # not "In other words:": no quotation follows it
    assert [b.text for b in pdf.assemble(layout)] == [
        "Marx wrote in the Manifesto: “The Communists turn to Germany.”",
        "In other words:",
        "the centre moved.",
    ]


def test_hyphen_join_skips_the_spaces_at_the_start_of_the_next_line():
    text = "the mutual weaken-\n ing of the imperialists, of imperi-\n  alism and of well-\n known well-known facts.\n"
    (block,) = pdf.assemble(Layout.of(text))
    assert block.text == "the mutual weakening of the imperialists, of imperialism and of well-known well-known facts."
    i = block.text.index("ing of")
    assert text[block.source_offset(i) :].startswith("ing of")
