"""The defining forms of the finder that quoting papers write: the perfect tense, the
forms a paper states its own definition in, and a quotation closed by its citation."""

from __future__ import annotations

import pytest

from corpus.finding.finder import find_definitions

TERMS = ["cluster", "industrial district"]
MODEL = ["business model"]


def _only(sentence: str, terms: list[str]):
    (row,) = find_definitions([f"Firms grow. {sentence} Regions differ."], terms).itertuples()
    return row


@pytest.mark.parametrize(
    "sentence,terms,rule",
    [
        ("An industrial district has been defined as a town of one trade.", TERMS, "defined_as"),
        ("Business models have often been understood as stories.", MODEL, "defined_as"),
        ("Clusters had long been conceived as networks of suppliers.", TERMS, "defined_as"),
        (
            "A business model could have been seen as an architecture of revenue.",
            MODEL,
            "defined_as",
        ),
        (
            "Clusters have also been characterised as systems of linked firms.",
            TERMS,
            "characterized_as",
        ),
        ("The business model has been described by three elements.", MODEL, "characterized_as"),
    ],
)
def test_a_defining_verb_in_the_perfect_tense_is_a_defining_form(sentence, terms, rule):
    row = _only(sentence, terms)
    assert (row.rule, row.score >= 0.5) == (rule, True)


@pytest.mark.parametrize(
    "sentence,terms",
    [
        ("Here we take an industrial district to be a town of workshops.", TERMS),
        ("Here I understand a business model to mean the logic by which a firm earns.", MODEL),
        ("We use the term 'cluster' to refer to firms that share a labour market.", TERMS),
        ("This study employs the notion of business model to denote a firm's value logic.", MODEL),
        ("By the term industrial district we mean a town of small specialised firms.", TERMS),
        ("Such towns of specialised workshops are what we call industrial districts.", TERMS),
        ("We will call a group of co-located suppliers a cluster.", TERMS),
        ("We refer to a set of firms sharing suppliers as a cluster.", TERMS),
    ],
)
def test_a_paper_stating_its_own_definition_is_a_we_define_form(sentence, terms):
    row = _only(sentence, terms)
    assert (row.rule, row.score >= 0.5) == ("we_define", True)


def test_the_term_used_to_denote_is_a_means_form():
    row = _only("The term “business model” is used here to denote how a firm earns.", MODEL)
    assert (row.rule, row.score >= 0.5) == ("means", True)


@pytest.mark.parametrize(
    "sentence,terms",
    [
        ("We call for more research on clusters in poor regions.", TERMS),
        ("We call on policy makers to support industrial districts.", TERMS),
        ("We use clusters to represent groups of similar documents.", TERMS),
        ("Firms have been seen in clusters since the war.", TERMS),
        ("Clusters were used to be small.", TERMS),
    ],
)
def test_a_like_sentence_that_defines_nothing_gets_no_new_form(sentence, terms):
    row = _only(sentence, terms)
    assert row.rule not in {"we_define", "defined_as", "means", "quoted_definition"}
    assert row.score < 0.5


@pytest.mark.parametrize(
    "sentence,terms",
    [
        (
            'Industrial districts are "towns whose firms share one trade" (Becattini 1990: 38).',
            TERMS,
        ),
        ("“A business model is the logic by which a firm creates value” (Teece, 2010).", MODEL),
        (
            "A cluster consists of \u2018firms linked by flows of goods and knowledge\u2019 [12].",
            TERMS,
        ),
        (
            "Clusters are, by contrast, «networks of firms that trade and learn» (Becker 1997).",
            TERMS,
        ),
    ],
)
def test_a_quotation_closed_by_its_citation_with_the_term_as_subject_is_a_quoted_definition(
    sentence, terms
):
    row = _only(sentence, terms)
    assert (row.rule, row.score >= 0.5) == ("quoted_definition", True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Cluster policy became 'a fad' (Martin and Sunley, 2003).",  # the term is no subject
        "Clusters are 'a fad' (Martin and Sunley, 2003).",  # a phrase, not a definition
        'Clusters are "groups of firms linked by trade and knowledge" (see Table 3).',  # no year
        'Clusters are "groups of firms linked by trade and knowledge" [a].',  # no number
        "The growth of clusters is 'a matter of firms learning from each other' (Porter, 1998).",
        "Clusters are discussed widely; see 'The economics of regions and firms' (Krugman, 1991).",
    ],
)
def test_a_cited_quotation_without_the_term_as_a_defined_subject_is_no_quoted_definition(sentence):
    row = _only(sentence, TERMS)
    assert row.rule != "quoted_definition"


def test_a_quotation_may_open_before_its_sentence_starts():
    page = (
        "Networks differ. “Clusters are groups of firms that share one labour market” (Feser 1998)."
    )
    found = find_definitions([page], TERMS)
    assert found.rule.tolist()[-1] == "quoted_definition"


@pytest.mark.parametrize(
    "sentence,rule",
    [
        ("A regional cluster ... firms are in close proximity to each other.", "copula"),
        ("Clusters \u2026 consist of firms that share suppliers.", "consists_of"),
    ],
)
def test_an_ellipsis_after_the_term_keeps_it_the_subject(sentence, rule):
    assert _only(sentence, TERMS).rule == rule


def test_every_form_but_the_copula_needs_one_of_the_words_that_send_a_sentence_to_it():
    """A sentence is matched with the forms whose words (``_FORM_WORDS``) it holds, and
    the copula: every other form must hold a token, not optional, that is one of them."""
    from corpus.finding.finder import _form_patterns, _pattern_words, _term_patterns

    for term in _term_patterns(TERMS + MODEL):
        for rule, patterns in _form_patterns(term).items():
            for pattern in patterns:
                assert (_pattern_words(pattern) is None) == (rule == "copula"), (rule, pattern)


def test_a_sentence_is_matched_with_the_forms_of_the_words_it_holds():
    """Whatever words a sentence holds, its matcher finds what all the forms find."""
    from spacy.matcher import Matcher

    from corpus.finding.finder import _TABLE_ROW, definition_pipeline

    nlp = definition_pipeline(tuple(TERMS), "")
    finder = nlp.get_pipe("defcode_definitions")
    every = Matcher(nlp.vocab)
    for rule, pattern, _ in finder._forms:
        every.add(rule, [pattern])
    every.add("table_apposition", [_TABLE_ROW])
    text = (
        "According to Porter (1998), a cluster is defined as a geographic concentration, "
        "and the concept of a cluster refers to firms; clusters consist of firms, are "
        "characterized by trust and exist where firms meet."
    )
    doc = nlp(text)
    words = {t.norm for t in doc} | {t.lemma for t in doc}
    chosen = finder._forms_matcher(words, cited=True)
    found = chosen(doc, allow_missing=True)
    assert found == every(doc, allow_missing=True)
    assert {nlp.vocab.strings[m] for m, _, _ in found} >= {
        "cited_definition", "defined_as", "refers_to", "notion_of", "consists_of", "copula"
    }  # fmt: skip
    copula_only = finder._forms_matcher(set())
    assert {nlp.vocab.strings[m] for m, _, _ in copula_only(doc, allow_missing=True)} == {"copula"}


@pytest.mark.parametrize(
    "sentence,rule",
    [
        ("Clusters are groups of firms.", "copula"),
        ("Clusters will matter for policy.", "detector"),
        ("Clusters grow where firms are seen as partners.", "detector"),
        ("Clusters are best seen as networks of firms.", "defined_as"),
    ],
)
def test_sentences_with_and_without_the_forms_words_get_their_form(sentence, rule):
    assert _only(sentence, TERMS).rule == rule
