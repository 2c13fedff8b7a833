"""A quotation that runs over a full stop stays one sentence, and one candidate, with its
citation; unclosed marks and apostrophes join nothing."""

from __future__ import annotations

import pytest

from corpus.definitions.citations import frame
from corpus.finding.finder import find_definitions
from corpus.finding.quotes import QUOTE_ENDS, QUOTE_REACH, quoted_spans

TERMS = ["cluster", "clustering"]
PHYSICAL = (
    "Physical clustering exists where businesses locate in proximity to each other without any "
    "functional linkages between them and without deriving any special benefit from their "
    "location."
)
FUNCTIONAL = (
    "Functional clustering arises where firms gain some benefit from being close to each other "
    "and these benefits explain why the co-location occurs"
)
BEFORE = "Clusters have been studied for decades."
AFTER = "Clusters differ from networks."
OAKEY = f'Oakey et al. (2001) distinguish two forms: "{PHYSICAL} {FUNCTIONAL}" (p. 402).'


def texts(page: str) -> list[str]:
    return find_definitions([page], TERMS)["text"].tolist()


def wrapped(text: str, width: int = 70) -> str:
    """The text in lines of at most ``width`` characters, as a PDF's reader gives it."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


@pytest.mark.parametrize("layout", [str, wrapped])
def test_a_two_sentence_quotation_is_one_candidate_with_its_citation(layout):
    page = layout(f"{BEFORE} {OAKEY} {AFTER}")
    found = find_definitions([page], TERMS)
    assert [" ".join(t.split()) for t in found["text"]] == [BEFORE, OAKEY, AFTER]
    # The sentences around it keep their offsets.
    assert found["start"].tolist()[::2] == [0, page.index("Clusters differ")]
    assert found["end"].iloc[0] == len(BEFORE)
    framed = frame(found["text"].iloc[1])
    assert framed.quoted
    assert framed.text == f"{PHYSICAL} {FUNCTIONAL}"
    (cited,) = framed.citations
    assert (cited.first_author, cited.year, cited.page) == ("Oakey", "2001", "402")


def test_a_quotation_that_opens_the_sentence_keeps_its_parenthetical_citation():
    quote = f"\u201c{PHYSICAL} {FUNCTIONAL}.\u201d (Oakey et al., 2001)."
    page = f"{BEFORE} {quote} {AFTER}"
    found = texts(page)
    assert found == [BEFORE, quote, AFTER]
    framed = frame(found[1])
    assert (
        framed.quoted
        and framed.text.startswith("Physical")
        and "location. Functional" in (framed.text)
    )
    assert [(c.first_author, c.year) for c in framed.citations] == [("Oakey", "2001")]


def test_a_partial_quotation_over_a_full_stop_stays_in_its_sentence():
    sentence = (
        "For Oakey et al. (2001), clustering takes place \u201cwithout deriving any special "
        "benefit from their location. Functional clustering arises where firms gain some "
        "benefit\u201d from proximity."
    )
    found = texts(f"{BEFORE} {sentence} {AFTER}")
    assert found == [BEFORE, sentence, AFTER]
    framed = frame(sentence)
    assert framed.quoted and "location. Functional clustering" in framed.text
    assert [(c.first_author, c.year) for c in framed.citations] == [("Oakey", "2001")]


def test_an_unclosed_quotation_does_not_swallow_what_follows():
    paragraph = [
        "Clusters are groups of firms in one place.",
        "Clusters share suppliers.",
        "Clusters grow slowly.",
        "Clusters decline.",
    ]
    unclosed = 'A cluster is "a group of firms.'
    # No closing mark at all; one after a blank line; one after more sentence ends than
    # the bound allows.
    for page in [
        " ".join([unclosed, *paragraph]),
        unclosed + "\n\n" + '"Clusters are networks" (Porter, 1998).',
        " ".join([unclosed, *paragraph]) + '" (Porter, 1998).',
    ]:
        found = texts(page)
        assert found[0] == unclosed
        assert len(found) == len(page.replace("\n\n", " ").split(". ")), found


def test_a_quotation_past_the_bounds_is_not_joined():
    sentence = "Firms trade. "
    past = sentence * (QUOTE_ENDS + 1)
    assert quoted_spans(f'They write "{past}Clusters matter" (Porter, 1998).') == []
    words = "firms trade with one another " * (QUOTE_REACH // 28)
    long = f'They write "Clusters are {words}. Clusters matter" (Porter, 1998).'
    assert len(long) > QUOTE_REACH and quoted_spans(long) == []
    within = f'They write "{sentence * QUOTE_ENDS}Clusters matter" (Porter, 1998).'
    assert [within[a:b] for a, b in quoted_spans(within)] == [within[11:-1]]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_apostrophes_open_no_quotation(apostrophe):
    sentences = [
        f"The cluster{apostrophe}s firms{apostrophe} location.",
        "Clusters are groups of firms.",
        f"Porter{apostrophe}s clusters are networks.",
        "Clusters grow.",
    ]
    assert texts(" ".join(sentences)) == sentences
    assert quoted_spans(" ".join(sentences)) == []


@pytest.mark.parametrize(
    ("opening", "closing"), [("\u2018", "\u2019"), ("'", "'"), ("\u201c", "\u201d"), ('"', '"')]
)
def test_single_and_double_quotation_marks_join_alike(opening, closing):
    # An apostrophe inside the quotation does not close it.
    quote = (
        f"Clusters are {opening}groups of firms in one place. Porter{closing[0]}s clusters "
        f"are linked{closing} (Porter, 1998)."
    )
    if closing == "'":
        quote = quote.replace("Porter's", "Porters")
    assert texts(f"{BEFORE} {quote} {AFTER}") == [BEFORE, quote, AFTER]


def test_straight_quotes_pair_one_by_one():
    first = 'Porter calls clusters "a group of firms" (Porter, 1998).'
    second = 'Feser writes "Clusters are groups. They share links" (Feser, 1998).'
    third = 'Clusters grow "fast".'
    fourth = 'Clusters are "linked. Firms" learn.'
    page = " ".join([first, second, third, fourth])
    assert texts(page) == [first, second, third, fourth]
    spans = [page[a:b] for a, b in quoted_spans(page)]
    assert spans == ['"Clusters are groups. They share links" (Feser, 1998)', '"linked. Firms"']


def test_a_sentence_after_a_closing_mark_does_not_start_with_it():
    quote = "\u201cClusters are groups of firms. They are linked.\u201d"
    page = f"{quote} {AFTER} {quote}\n{AFTER}"
    found = texts(page)
    assert found == [quote, AFTER, quote, AFTER]
    assert not any(text[0] in "\u201d\u2019\"'" for text in found)


def test_a_quotation_far_down_a_long_page_is_read_whole():
    # The page's passages are cut at sentence ends, but not within a quotation: the
    # quotation's first sentence names no term, its last does.
    filler = " ".join(f"Firms number {n} trade with others." for n in range(200))
    quote = (
        'As Oakey et al. (2001) write: "Firms locate near each other. They share no links. '
        f'{FUNCTIONAL}" (p. 402).'
    )
    assert texts(f"{filler} {quote} {filler}") == [quote]
