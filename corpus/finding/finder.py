"""Find the sentences that define a concept, with registered spaCy components.

The pipeline is ``spacy.blank("en")`` with three components of defcode's
own, registered with spaCy under these names:

``defcode_line_breaks``
    Starts a sentence after a blank line, and after a short line that ends
    without punctuation when the next line starts with a capital: a heading,
    a table cell, a caption. Text from PDFs has no other sign of these. A
    line that ends in a word no sentence ends with ("of", "the", "den" of
    "Roelandt & den / Hertag (1999)") goes on.
``sentencizer``
    spaCy's punctuation rule, for everything the line rule left open
    (:class:`PunctuationSentences`, spaCy's ``Sentencizer`` reading token
    attributes as arrays); no sentence starts within a quotation that runs over
    a full stop, up to the citation after it (:mod:`corpus.finding.quotes`).
``defcode_definitions``
    Marks each sentence that names the concept (one of its terms, in any
    inflection) or that is a table row of the form *Author (year) Noun phrase*,
    and scores it: the probability of the DEFT detector
    (:mod:`corpus.finding.detector`) that the sentence holds a definition, raised by
    the strongest defining form a spaCy ``Matcher`` finds around the term.

A defining form of weight *w* turns the detector's probability *p* into
``1 - (1 - p) * (1 - w)``: a strong form ("X is defined as", weight 0.6)
alone gives at least 0.6, a bare copula ("X is ...", weight 0.3) needs the
detector's support to pass 0.5. A sentence that names the concept in no
defining form scores ``p / 2``: it may well define something, but seldom the
concept. The weights are set by hand, not fitted; forms whose term is not
the subject ("the development of clusters is ...") do not count. A form with
the term as the subject whose quotation ends with its citation ('A cluster is
"..." (Porter, 1998)') is a ``quoted_definition``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corpus.finding.pages import (
    LINES_KEY,
    QUOTES_KEY,
    TEXT_KEY,
    continued,
    names_concept,
    owned,
    page_docs,
    placed,
    span_text,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

#: Weight of each defining form; ``detector`` means no form was found.
RULE_WEIGHTS: dict[str, float] = {
    "defined_as": 0.6,
    "we_define": 0.6,
    "refers_to": 0.6,
    "means": 0.6,
    "cited_definition": 0.6,
    "quoted_definition": 0.6,
    "characterized_as": 0.5,
    "table_apposition": 0.5,
    "exists_where": 0.5,
    "consists_of": 0.4,
    "based_on_idea": 0.4,
    "copula": 0.3,
    "notion_of": 0.3,
    "detector": 0.0,
}
SPANS_KEY = "definitions"
#: A line ending in "(1998)" is an author cell: its row goes on.
_CITED_YEAR = re.compile(r"\(\d{4}[a-z]?\)$")
_DEFINE_VERBS = [
    "defined", "understood", "conceived", "conceptualized", "conceptualised", "seen",
    "viewed", "regarded", "considered", "known", "thought", "interpreted", "treated",
]  # fmt: skip
_CHARACTERIZE_VERBS = [
    "characterized", "characterised", "described", "perceived", "portrayed", "labelled",
    "labeled", "identified", "depicted",
]  # fmt: skip
_DEFINE_LEMMAS = [
    "define", "conceptualize", "conceptualise", "understand", "view", "see", "conceive",
    "regard", "characterize", "characterise", "describe", "term", "call",
]  # fmt: skip
_MODALS = ["can", "may", "might", "could", "should", "must", "will", "would"]
#: Verbs after "we take/understand X to ...", "we use the term X to ..."; all but the
#: first after "the term X is used to ...".
_MEANING_VERBS = [
    "be", "mean", "denote", "signify", "designate", "refer", "indicate", "describe", "cover",
    "encompass", "capture", "represent",
]  # fmt: skip
#: Closing quotation marks and the marks that open them.
_QUOTES = {
    '"': '"',
    "'": "'",
    "\u201d": "\u201c",
    "\u2019": "\u2018",
    "''": "``",
    "\u00bb": "\u00ab",
}
#: The fewest words of a quotation that, cited, counts as a quoted definition: fewer is a
#: phrase ("Cluster policy became 'a fad' (Martin and Sunley, 2003)").
_QUOTED_WORDS = 4
#: The most tokens from a term's start to the "to" of "we take clusters to be", "the term
#: \u201ccluster\u201d is used here to".
_TO_REACH = 6
#: The verbs of the forms of :func:`_stated_patterns`, as written.
_STATING_VERBS = [
    "call", "calls", "called", "term", "termed", "dub", "dubbed", "refer", "refers", "referred",
    "take", "takes", "took", "taken", "understand", "understands", "understood", "define",
    "defines", "defined", "conceive", "conceives", "conceived", "use", "uses", "used", "employ",
    "employs", "employed", "reserve", "reserves", "reserved", "adopt", "adopts", "adopted",
]  # fmt: skip
#: The most tokens between a defining form and the quotation it introduces:
#: "A cluster is, in Porter's words, \"...\"".
_QUOTE_LEAD = 8
#: Words that "we call ... clusters" does not run over: a clause's end, or a word that
#: shows "we call" calls for something ("we call for ...", "we call on ...").
_NOT_CALLED = [
    ",", ";", ":", ".", "(", ")", '"', "\u201c", "\u201d", "for", "on", "upon", "into", "out",
    "up", "off", "back", "attention", "it",
]  # fmt: skip
#: Adverbs between "has" and "been": "has also been", "had long been".
_PERFECT_ADVERBS = [
    "also", "often", "long", "widely", "frequently", "generally", "commonly", "usually",
    "sometimes", "variously", "traditionally", "previously", "recently", "already", "repeatedly",
    "typically", "broadly", "mostly", "largely", "since", "thus", "therefore", "further",
]  # fmt: skip
_NOTIONS = [
    "notion", "concept", "term", "definition", "idea", "conception", "understanding", "basis",
    "essence", "nature",
]  # fmt: skip
#: Words that, right before the term, show it is not the subject being defined:
#: "the development of clusters is ...", "networks and clusters are ...".
_NOT_SUBJECT = frozenset(
    [
        "of", "between", "and", "or", "for", "to", "with", "by", "in", "on", "from", "than",
        "like", "among", "within", "about", "that", "into", "across", "through", "around",
    ]
)  # fmt: skip
_DETERMINERS = ["a", "an", "the", "this", "that", "these", "those", "its", "their", "our", "such"]
#: The most sentences after a table row's first that its definition cell takes in.
_CELL_SENTENCES = 5
_CITATION_WORDS = ["&", "and", "et", "al", "al.", "den", "van", "de", "der", "von", "la", "di"]
#: Last words of a line that show the sentence goes on to the next line: a table
#: cell wraps ("Roelandt & den / Hertag (1999)", "the location of / Porter's ...").
_RUNS_ON = frozenset(
    [
        *_CITATION_WORDS, "a", "an", "the", "of", "to", "in", "for", "with", "by", "from", "on",
        "at", "as", "or", "nor", "that", "which", "whose", "than", "into", "between", "among",
    ]
)  # fmt: skip
#: Words that may follow the term before its verb: "clusters in this school are ...".
_SUBJECT_LEADS = [
    "in", "of", "within", "across", "at", "on", "from", "under", "for", "as", "often",
    "usually", "typically", "generally", "commonly", "therefore", "thus", "also", "here",
    "then", "thereby", "basically", "essentially", "simply", "...", "\u2026",
]  # fmt: skip
_ADVERBS = {"IS_ALPHA": True, "OP": "{0,2}"}
#: Verbs that attribute a statement to a cited work: "Magretta (2002) noted that ...".
_REPORT_LEMMAS = [
    "state", "note", "argue", "define", "describe", "suggest", "write", "propose", "posit",
    "claim", "explain", "observe", "maintain", "assert", "contend", "say", "emphasize",
    "emphasise", "stress", "conclude", "hold", "see", "view", "consider", "conceptualize",
    "conceptualise", "characterize", "characterise", "understand", "regard", "conceive",
    "highlight", "point", "assume",
]  # fmt: skip
#: Verbs after the term of a cited definition, besides "be": "a business model describes ...".
_DEFINING_VERBS = [
    "describes", "describe", "represents", "represent", "denotes", "denote", "refers", "refer",
    "means", "mean", "consists", "consist", "comprises", "comprise", "constitutes", "constitute",
    "encompasses", "encompass", "involves", "involve", "captures", "capture", "entails", "entail",
]  # fmt: skip
#: A table row's author cell: "Porter", "Crouch & Farrell", "Van den Berg et al.".
_AUTHORS = [
    {"IS_TITLE": True},
    {"OP": "{0,4}", "LOWER": {"IN": _CITATION_WORDS}},
    {"OP": "{0,3}", "IS_TITLE": True},
    {"OP": "{0,1}", "LOWER": {"IN": _CITATION_WORDS}},
    {"OP": "{0,1}", "IS_TITLE": True},
]
#: A narrative citation's year or number, after the names: "(2010, p. 14)", "[3]". The
#: names are not matched: a pattern that starts at any capital word is costly.
_CITATIONS = [
    [
        {"ORTH": "("},
        {"SHAPE": {"IN": ["dddd", "ddddx"]}},
        {"ORTH": {"NOT_IN": [")", "("]}, "OP": "{0,6}"},
        {"ORTH": ")"},
    ],
    [
        {"ORTH": "["},
        {"IS_DIGIT": True},
        {"ORTH": {"NOT_IN": ["]", "["]}, "OP": "{0,6}"},
        {"ORTH": "]"},
    ],
]


def term_forms(term: str) -> list[str]:
    """The lower-case word forms of ``term``: its last word singular and plural.

    Examples
    --------
    >>> term_forms("industrial district")
    ['industrial district', 'industrial districts']
    >>> term_forms("Clusters")
    ['cluster', 'clusters']
    """
    from corpus.nlp import blank_english, lemma_lookup

    words = term.lower().split()
    *head, last = words
    strings, lemmas = blank_english().vocab.strings, lemma_lookup()
    base = lemmas.get(strings[last], last)
    forms = {base, last}
    for candidate in (base + "s", base + "es", base[:-1] + "ies"):
        if lemmas.get(strings.add(candidate)) == base:
            forms.add(candidate)
    return sorted(" ".join([*head, form]) for form in forms)


def _term_patterns(terms: Sequence[str]) -> list[list[dict]]:
    """One token pattern per distinct multi-word shape of the terms."""
    by_head: dict[tuple[str, ...], set[str]] = {}
    for term in terms:
        for form in term_forms(term):
            *head, last = form.split()
            by_head.setdefault(tuple(head), set()).add(last)
    return [
        [*({"LOWER": word} for word in head), {"LOWER": {"IN": sorted(lasts)}}]
        for head, lasts in sorted(by_head.items())
    ]


def _form_patterns(term: list[dict]) -> dict[str, list[list[dict]]]:
    """The defining forms around one term pattern, by rule name.

    A form that starts with the term lets a prepositional phrase or an
    adverb follow it ("clusters in this school are ..."), not another noun:
    "cluster theory is ..." is about the theory.
    """
    be = {"LEMMA": "be"}
    modal = {"LOWER": {"IN": _MODALS}, "OP": "?"}

    def subject(*verb: dict) -> list[list[dict]]:
        lead = {"LOWER": {"IN": _SUBJECT_LEADS}}
        return [[*term, *verb], [*term, lead, {"IS_PUNCT": False, "OP": "{0,6}"}, *verb]]

    # "is", "can be", "has been", "have also been", "could have been"
    auxiliary = [
        modal,
        {"LOWER": {"IN": ["has", "have", "had"]}, "OP": "?"},
        {"LOWER": {"IN": _PERFECT_ADVERBS}, "OP": "{0,2}"},
        be,
    ]

    named = _named(term)
    return {
        "defined_as": subject(
            *auxiliary, _ADVERBS, {"LOWER": {"IN": _DEFINE_VERBS}}, {"LOWER": "as"}
        ),
        "characterized_as": subject(
            *auxiliary,
            _ADVERBS,
            {"LOWER": {"IN": _CHARACTERIZE_VERBS}},
            {"LOWER": {"IN": ["as", "by"]}},
        ),
        "we_define": [
            [
                {"LEMMA": {"IN": _DEFINE_LEMMAS}},
                {"IS_PUNCT": False, "OP": "{0,3}"},
                *named,
                {"LOWER": "as"},
            ],
            [
                {"LOWER": "by"},
                {"LOWER": {"IN": ["the", "a"]}, "OP": "?"},
                {"LOWER": {"IN": _NOTIONS}, "OP": "?"},
                *named,
                {"LOWER": {"IN": ["we", "i", "one"]}},
                modal,
                {"LEMMA": "mean"},
            ],
            [{"LOWER": {"IN": _NOTIONS}}, {"LOWER": "of"}, *named, {"LOWER": "as"}],
        ],
        "refers_to": subject({"LEMMA": "refer"}, {"LOWER": "to"}),
        "means": [
            [*term, {"LOWER": {"IN": ["means", "meant", "mean"]}}],
        ],
        "exists_where": subject(
            {"LEMMA": {"IN": ["exist", "arise", "occur"]}},
            {"LOWER": {"IN": ["where", "when", "if"]}},
        ),
        "consists_of": subject(
            {"LEMMA": {"IN": ["consist", "lie", "comprise", "encompass"]}},
            {"LOWER": {"IN": ["of", "in", "an", "a", "the"]}},
        ),
        "based_on_idea": [
            [
                be,
                {"LOWER": "based"},
                {"LOWER": "on"},
                {"IS_ALPHA": True, "OP": "{0,3}"},
                {"LOWER": {"IN": ["idea", "notion", "premise", "assumption", "view"]}},
            ]
        ],
        "copula": subject(modal, be),
        "notion_of": [
            [
                {"LOWER": {"IN": _NOTIONS}},
                {"LOWER": "of"},
                {"LOWER": {"IN": ["a", "the"]}, "OP": "?"},
                *term,
            ],
            [{"LOWER": "term"}, *term],
        ],
    }


#: Words of which every form of :func:`_form_patterns` but the copula holds one, as
#: written or as its lemma: a sentence with none of them is matched for the copula alone.
_FORM_WORDS = frozenset(
    [
        *_DEFINE_VERBS, *_CHARACTERIZE_VERBS, *_DEFINE_LEMMAS, *_NOTIONS, "refer", "means",
        "meant", "mean", "exist", "arise", "occur", "consist", "lie", "comprise", "encompass",
        "based",
    ]
)  # fmt: skip


def _pattern_words(pattern: list[dict]) -> list[str] | None:
    """The words of :data:`_FORM_WORDS` one of which a sentence must hold, as written or
    as its lemma, for ``pattern`` to match it: those of its first token, not optional,
    that can only be such a word; None when it has no such token (the copula).

    Examples
    --------
    >>> _pattern_words([{"LOWER": "cluster"}, {"LEMMA": "refer"}, {"LOWER": "to"}])
    ['refer']
    >>> _pattern_words([{"LOWER": "cluster"}, {"LEMMA": "be"}]) is None
    True
    """
    for token in pattern:
        if token.get("OP", "+") != "+":
            continue
        for attr in ("LOWER", "LEMMA"):
            value = token.get(attr)
            words = [value] if isinstance(value, str) else None
            if isinstance(value, dict) and list(value) == ["IN"]:
                words = list(value["IN"])
            if words and _FORM_WORDS.issuperset(words):
                return words
    return None


def _named(term: list[dict]) -> list[dict]:
    """The term, perhaps quoted, perhaps followed by a comma: "the term \u201ccluster\u201d,"."""
    quote = {"IS_QUOTE": True, "OP": "?"}
    return [quote, *term, quote, {"ORTH": ",", "OP": "?"}]


def _stated_patterns(term: list[dict]) -> dict[str, list[list[dict]]]:
    """The forms a writer names the term in, by rule name: "we take a cluster to be",
    "we use the term cluster to denote", "what we call a cluster", "we refer to ... as
    clusters", "the term cluster is used here to mean".

    Matched only in the sentences that may hold one (:meth:`DefinitionFinder._stating`):
    every pattern costs a little at every token.
    """
    be, modal = {"LEMMA": "be"}, {"LOWER": {"IN": _MODALS}, "OP": "?"}
    we = {"LOWER": {"IN": ["we", "i"]}}
    meaning = [{"LOWER": "to"}, {"LEMMA": {"IN": _MEANING_VERBS}}]
    named = _named(term)
    return {
        "we_define": [
            # "we take a cluster to be", "we understand clusters to mean"
            [
                {"LEMMA": {"IN": ["take", "understand", "define", "conceive"]}},
                {"IS_PUNCT": False, "OP": "{0,3}"},
                *named,
                *meaning,
            ],
            # "we use the term cluster to refer to"
            [
                {"LEMMA": {"IN": ["use", "employ", "reserve", "adopt"]}},
                {"LOWER": {"IN": _DETERMINERS}, "OP": "?"},
                {"LOWER": {"IN": _NOTIONS}},
                {"LOWER": "of", "OP": "?"},
                *named,
                *meaning,
            ],
            # "what we call a cluster", "we call such groups clusters", not "we call for"
            [
                we,
                modal,
                {"LEMMA": {"IN": ["call", "term", "dub"]}},
                {"LOWER": {"NOT_IN": _NOT_CALLED}, "OP": "{0,8}"},
                *named,
            ],
            # "we refer to such groups as clusters"
            [
                we,
                modal,
                {"LEMMA": "refer"},
                {"LOWER": "to"},
                {"IS_PUNCT": False, "OP": "{0,6}"},
                {"LOWER": "as"},
                {"LOWER": {"IN": _DETERMINERS}, "OP": "?"},
                *named,
            ],
        ],
        "means": [
            # "the term cluster is used here to denote"
            [
                {"LOWER": {"IN": _NOTIONS}},
                *named,
                be,
                _ADVERBS,
                {"LOWER": {"IN": ["used", "employed"]}},
                _ADVERBS,
                {"LOWER": "to"},
                {"LEMMA": {"IN": _MEANING_VERBS[1:]}},
            ],
        ],
    }


def _cited_patterns(term: list[dict]) -> list[list[dict]]:
    """Sentences that attribute a definition of the term to a cited work.

    "Osterwalder and Pigneur (2010, p. 14) state that a business model
    describes ...", "According to Porter (1998), clusters are ...", "Porter
    [3] defines clusters as ...".
    """
    subject = [
        {"LOWER": {"IN": ["a", "an", "the", "such"]}, "OP": "?"},
        {"IS_ALPHA": True, "LOWER": {"NOT_IN": sorted(_NOT_SUBJECT)}, "OP": "{0,2}"},
        *term,
        _ADVERBS,
    ]
    be = [*subject, {"LOWER": {"IN": _MODALS}, "OP": "?"}, {"LEMMA": "be"}]
    verb = [*subject, {"LOWER": {"IN": _DEFINING_VERBS}}]
    reported = [
        {"LOWER": {"IN": ["also", "similarly", "further", "rather", "explicitly"]}, "OP": "?"},
        {"LEMMA": {"IN": _REPORT_LEMMAS}},
        {"LOWER": "out", "OP": "?"},
        {"LOWER": "that", "OP": "?"},
    ]
    according = [{"LOWER": "according"}, {"LOWER": "to"}, {"IS_PUNCT": False, "OP": "{1,6}"}]
    comma = {"ORTH": ",", "OP": "?"}
    defines = [
        {"LEMMA": {"IN": _DEFINE_LEMMAS}},
        {"IS_PUNCT": False, "OP": "{0,3}"},
        *term,
        {"LOWER": "as"},
    ]
    patterns = []
    for cite in _CITATIONS:
        for statement in (be, verb):
            patterns.append([*cite, *reported, *statement])
            patterns.append([*according, *cite, comma, *statement])
        patterns.append([*cite, *defines])
    return patterns


_TABLE_ROW = [
    *_AUTHORS,
    {"ORTH": "("},
    {"SHAPE": "dddd"},
    {"ORTH": ")"},
    {"IS_TITLE": True},
]


class LineBreaks:
    """Start sentences at the line breaks of headings, captions and table cells.

    Parameters
    ----------
    short : float, default=0.7
        A line is short when it is shorter than this share of the document's
        longest line.
    """

    def __init__(self, short: float = 0.7) -> None:
        self.short = short

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import IDX

        text = doc.user_data.get(LINES_KEY)
        if text is None:  # doc.text joins every token: not a default to build eagerly
            text = doc.text
        lines = [line.strip() for line in text.split("\n")]
        longest = max(map(len, lines), default=0)
        newlines = list(re.finditer(r"\n[\n\s]*", text))
        if not newlines or not len(doc):
            return doc
        # Token offsets read as an array: a Token object is made only for a line's next word.
        following = np.searchsorted(doc.to_array(IDX), [m.end() for m in newlines]).tolist()
        ended = 0  # the line a line break ends: the line breaks before it
        for newline, at in zip(newlines, following, strict=True):
            line, breaks = lines[ended], newline.group().count("\n")
            ended += breaks
            if at >= len(doc):
                break
            if breaks > 1:
                doc[at].is_sent_start = True
                continue
            if (
                line
                and len(line) < self.short * longest
                and line[-1] not in ".,;:!?(/&\u2013\u2014-"
                and not _CITED_YEAR.search(line)
                and _capital(doc[at])
                and line.rsplit(None, 1)[-1].lower() not in _RUNS_ON
            ):
                doc[at].is_sent_start = True
        return doc


def _capital(token: Token) -> bool:
    return token.is_title or token.is_upper or token.is_digit


def _sentencizer_class() -> type:
    """:class:`PunctuationSentences`, defined once spaCy is imported."""
    from spacy.pipeline import Sentencizer

    class PunctuationSentences(Sentencizer):
        """spaCy's ``Sentencizer`` with the same guesses, read from token arrays.

        A sentence starts at the first word (a token that is neither
        punctuation nor one of ``punct_chars``) after one of ``punct_chars``;
        spaCy's own loop over the tokens made a Token object for each.
        """

        def predict(self, docs: Iterable[Doc]) -> list[list[bool]]:
            from spacy.attrs import IS_PUNCT, ORTH
            from spacy.strings import get_string_id

            made = getattr(self, "_ends", None)
            if made is None or made[0] is not self.punct_chars:  # once, not per doc
                ids = sorted(get_string_id(c) for c in self.punct_chars)
                self._ends = made = (self.punct_chars, np.array(ids, dtype=np.uint64))
            ends = made[1]
            guesses = []
            for doc in docs:
                if not len(doc):
                    guesses.append([])
                    continue
                columns = doc.to_array([ORTH, IS_PUNCT])
                ending = _isin(columns[:, 0], ends)
                words = np.flatnonzero(~ending & (columns[:, 1] == 0))
                seen = np.cumsum(ending)[words]
                after_end = np.diff(seen, prepend=0) > 0
                starts = np.zeros(len(doc), dtype=bool)
                starts[0] = True
                starts[words[after_end]] = True
                _join_quoted(doc, starts, words)
                guesses.append(starts.tolist())
            return guesses

    return PunctuationSentences


def _join_quoted(doc: Doc, starts: np.ndarray, words: np.ndarray) -> None:
    """Start no sentence within a quotation of :func:`corpus.finding.quotes.quoted_spans`.

    The sentence that holds its opening mark runs on to its closing mark and the
    citation after it; one that started at the quotation's first word starts at its
    opening mark instead, which would end the sentence before. ``words`` are the
    tokens a sentence may start at.
    """
    from spacy.attrs import IDX

    from corpus.finding.quotes import quoted_spans

    spans = doc.user_data.get(QUOTES_KEY)
    if spans is None:
        text = doc.user_data.get(LINES_KEY)
        spans = quoted_spans(doc.text if text is None else text)
    if not spans:
        return
    idx = doc.to_array(IDX)
    for start, end in spans:
        inside, stop = np.searchsorted(idx, [start + 1, end]).tolist()
        first = words[np.searchsorted(words, inside) :][:1]
        if not len(first) or first[0] >= stop:
            continue
        if starts[first[0]] and inside and idx[inside - 1] == start:
            starts[inside - 1], starts[first[0]] = True, False
        starts[first[0] + 1 : stop] = False


class DefinitionFinder:
    """Mark and score the sentences of a document that may define the concept.

    Parameters
    ----------
    nlp : spacy.language.Language
        The pipeline, whose vocabulary the matchers use.
    terms : list of str
        The concept's terms, e.g. ``["cluster", "industrial district"]``;
        inflected forms are added.
    detector : str, default=""
        Path of a saved :class:`corpus.finding.detector.Detector`; the one shipped
        with defcode when empty.

    Notes
    -----
    Candidates go to ``doc.spans["definitions"]``, each span with
    ``span._.definition_score`` in [0, 1] and ``span._.definition_rule``,
    the name of the strongest defining form found (see :data:`RULE_WEIGHTS`).
    """

    def __init__(self, nlp: Language, terms: list[str], detector: str = "") -> None:
        from spacy.matcher import Matcher

        from corpus.finding.detector import load_detector
        from corpus.nlp import lemma_lookup

        if not terms:
            raise ValueError("defcode_definitions needs at least one term of the concept")
        self.terms = list(terms)
        self.detector = detector
        self._detector = load_detector(detector or None)
        strings = nlp.vocab.strings
        self.row_matcher = Matcher(nlp.vocab)
        self.stated_matcher = Matcher(nlp.vocab)
        # The forms' patterns in order, each with what a sentence needs for it to be
        # tried: "cited", a "(year" or "[number" (:meth:`_cited`); "worded", one of
        # :data:`_FORM_WORDS`, listed by word id in ``_patterns_of``; nothing, "always"
        # (the copula). Each pattern costs a little at every token: a sentence is matched
        # with those it may hold (:meth:`_forms_matcher`).
        self._forms: list[tuple[str, list[dict], str]] = []
        self._patterns_of: dict[int, list[int]] = {}
        self._forms_matchers: dict[tuple[bool, tuple[int, ...]], Any] = {}
        self._vocab = nlp.vocab
        self._term_words: list[tuple[list[int], np.ndarray]] = []
        for term in _term_patterns(terms):
            *head, last = term
            words = [strings.add(word["LOWER"]) for word in head]
            lasts = _sorted_ids(strings, last["LOWER"]["IN"])
            self._term_words.append((words, lasts))
            self._forms += [("cited_definition", p, "cited") for p in _cited_patterns(term)]
            for rule, patterns in _form_patterns(term).items():
                for pattern in patterns:
                    needs = _pattern_words(pattern)
                    for word in needs or ():
                        self._patterns_of.setdefault(strings.add(word), []).append(len(self._forms))
                    self._forms.append((rule, pattern, "always" if needs is None else "worded"))
            for rule, patterns in _stated_patterns(term).items():
                self.stated_matcher.add(rule, patterns)
        self.row_matcher.add("table_apposition", [_TABLE_ROW])
        self._form_words = _sorted_ids(strings, _FORM_WORDS)
        self._strings = strings
        self._lemma_table = lemma_lookup()
        self._lemmas: dict[int, int] = {}
        self._not_subject = {strings.add(word) for word in _NOT_SUBJECT}
        self._determiners = {strings.add(word) for word in _DETERMINERS}
        self._notions = {strings.add(word) for word in _NOTIONS}
        self._of, self._hyphen, self._paren = (strings.add(w) for w in ("of", "-", "("))
        self._be = strings.add("be")
        self._bracket, self._semicolon = strings.add("["), strings.add(";")
        self._we, self._to = [strings.add("we"), strings.add("i")], strings.add("to")
        self._naming = frozenset(strings.add(word) for word in _STATING_VERBS)
        self._years = _sorted_ids(strings, ["dddd", "ddddx"])
        self._openers = {strings.add(close): strings.add(mark) for close, mark in _QUOTES.items()}
        self._numbers = _sorted_ids(strings, ["d", "dd", "ddd"])

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Score the candidates of a batch of documents with one detector call."""
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) == batch_size:
                yield from self._score(batch)
                batch = []
        if batch:
            yield from self._score(batch)

    def _score(self, docs: list[Doc]) -> list[Doc]:
        found = [self._candidates(doc) for doc in docs]
        texts = [
            " ".join(_span_text(doc, span).split())
            for doc, spans in zip(docs, found, strict=True)
            for span, _ in spans
        ]
        scores = iter(self._detector.score(texts) if texts else [])
        for doc, spans in zip(docs, found, strict=True):
            group = []
            for span, rule in spans:
                span._.definition_rule = rule
                span._.definition_score = _combine(float(next(scores)), rule)
                group.append(span)
            doc.spans[SPANS_KEY] = group
        return docs

    def _candidates(self, doc: Doc) -> list[tuple[Span, str]]:
        """The sentences that name the concept, or are table rows, with their strongest form.

        Token attributes are read as arrays. The forms are matched within the
        sentences that name a term or may be a table row, not over the whole
        doc: a form must lie within one sentence, and matches do not depend on
        tokens outside it.

        A table row (*Author (year)* then its definition) holds the whole
        definition cell: the sentences after its first that go on in the same
        line. A sentence that starts with a table label ("Alfred Marshall
        Clusters are ...", a cell of Table 1) starts at the term.
        """
        from spacy.attrs import IS_ALPHA, IS_SPACE, IS_TITLE, LOWER, ORTH, SENT_START, SHAPE, SPACY

        if not len(doc):
            return []
        columns = doc.to_array(
            [LOWER, ORTH, SENT_START, IS_SPACE, IS_TITLE, SPACY, IS_ALPHA, SHAPE]
        )
        lower, orth = columns[:, 0], columns[:, 1]
        starts = columns[:, 2] == 1
        starts[0] = True
        bounds = [*np.flatnonzero(starts).tolist(), len(doc)]
        number_of = np.cumsum(starts) - 1
        words = np.flatnonzero(columns[:, 3] == 0)
        # Each sentence's first and last word (not white space), -1 when it has none.
        first = np.full(len(bounds) - 1, -1)
        last = np.full(len(bounds) - 1, -1)
        if len(words):
            at = _run_starts(number_of[words])
            holds = number_of[words[at]]
            first[holds] = words[at]
            ends = np.searchsorted(words, bounds[1:], side="left") - 1
            last[holds] = words[ends[holds]]
        term_starts = self._term_starts(lower)
        mentions = set(number_of[term_starts].tolist())
        # A table row may name no term: a title-case first word and a "(" are needed.
        parens = number_of[orth == self._paren]
        parens = parens[_run_starts(parens)]
        titled = parens[(first[parens] >= 0) & (columns[first[parens].clip(0), 4] == 1)]
        rows = [n for n in titled.tolist() if n not in mentions]
        lemmas = self._set_lemmas(doc, orth, [(bounds[n], bounds[n + 1]) for n in sorted(mentions)])
        held = self._held_words(number_of, lower, lemmas)
        # A sentence without a form's words may hold the copula, if it holds "be", or be a
        # table row, if it holds "(": else no pattern of the forms can match it.
        copular = set(number_of[lemmas == self._be].tolist()) | set(parens.tolist())
        names = doc.vocab.strings
        rules: dict[int, str] = {}
        row_starts: set[int] = set()
        label_ends: dict[int, int] = {}
        forms: dict[int, list[tuple[int, int]]] = {}
        cited = self._cited(columns, number_of)
        searched = []
        for n in sorted(mentions):
            if n in cited or n in held or n in copular:
                searched.append((n, self._forms_matcher(held.get(n, set()), n in cited)))
        searched += [(n, self.row_matcher) for n in rows]
        stating = self._stating(lower, number_of, term_starts, bounds)
        searched += [(n, self.stated_matcher) for n in sorted(mentions & stating)]
        for number, matcher in sorted(searched, key=lambda pair: pair[0]):
            begin, stop = bounds[number], bounds[number + 1]
            for match_id, start, end in matcher(doc[begin:stop], allow_missing=True):
                rule, start, end = names[match_id], begin + start, begin + end
                if rule == "table_apposition":
                    if start != first[number] or (stop - begin) - (end - start) < 5:
                        continue
                    mentions.add(number)
                    row_starts.add(number)
                elif (rule in _SUBJECT_RULES and not self._is_subject(columns, begin, start)) or (
                    rule == "we_define"
                    and start > 0
                    and orth[start - 1] == self._hyphen
                    and not columns[start - 1, 5]
                ):
                    continue
                elif rule in _SUBJECT_RULES and self._after_label(columns, first[number], start):
                    label_ends[number] = min(start, label_ends.get(number, start))
                if rule in _SUBJECT_RULES:
                    forms.setdefault(number, []).append((start, end))
                best = rules.get(number)
                if best is None or RULE_WEIGHTS[rule] > RULE_WEIGHTS[best]:
                    rules[number] = rule
        for number, openers in self._quoted_citations(columns, number_of, first).items():
            if any(
                self._introduces(orth, span, opener)
                for span in forms.get(number, ())
                for opener in openers
            ):
                rules[number] = "quoted_definition"
        cell_ends = self._cell_ends(doc, sorted(row_starts), first, last)
        for number, (_, merged) in cell_ends.items():
            for other in merged:
                mentions.discard(other)
                rule, best = rules.get(other), rules.get(number)
                if rule and (best is None or RULE_WEIGHTS[rule] > RULE_WEIGHTS[best]):
                    rules[number] = rule
        return [
            (
                doc[label_ends.get(n, first[n]) : cell_ends.get(n, (last[n], ()))[0] + 1],
                rules.get(n, "detector"),
            )
            for n in sorted(mentions)
            if first[n] >= 0
        ]

    def _held_words(
        self, number_of: np.ndarray, lower: np.ndarray, lemmas: np.ndarray
    ) -> dict[int, set[int]]:
        """The ids of the words of :data:`_FORM_WORDS` each sentence holds, as written or
        as lemmas, for the sentences that hold any."""
        held: dict[int, set[int]] = {}
        for values in (lower, lemmas):
            at = np.flatnonzero(_isin(values, self._form_words))
            for number, word in zip(number_of[at].tolist(), values[at].tolist(), strict=True):
                held.setdefault(number, set()).add(word)
        return held

    def _forms_matcher(self, words: set[int], cited: bool = False) -> Any:
        """A matcher of the forms a sentence may hold, and of table rows.

        Its patterns are, in their order, the copula's, those whose words (see
        :func:`_pattern_words`) are among the sentence's ``words``, and if it
        is ``cited``, the cited forms: it finds the matches that all the
        patterns would find, in the same order, at a fraction of the cost of
        trying them all at every token.
        """
        from spacy.matcher import Matcher

        chosen = tuple(sorted({i for word in words for i in self._patterns_of.get(word, ())}))
        matcher = self._forms_matchers.get((cited, chosen))
        if matcher is None:
            matcher = self._forms_matchers[cited, chosen] = Matcher(self._vocab)
            for i, (rule, pattern, needs) in enumerate(self._forms):
                if needs == "always" or (needs == "cited" and cited) or i in chosen:
                    matcher.add(rule, [pattern])
            matcher.add("table_apposition", [_TABLE_ROW])
        return matcher

    def _cited(self, columns: np.ndarray, number_of: np.ndarray) -> set[int]:
        """The sentences that hold a narrative citation's "(1998" or "[3"."""
        orth, shape = columns[:-1, 1], columns[1:, 7]
        opens = ((orth == self._paren) & _isin(shape, self._years)) | (
            (orth == self._bracket) & _isin(shape, self._numbers)
        )
        return set(number_of[np.flatnonzero(opens)].tolist())

    def _stating(
        self, lower: np.ndarray, number_of: np.ndarray, term_starts: np.ndarray, bounds: list[int]
    ) -> set[int]:
        """The sentences that may name the term in a form of :func:`_stated_patterns`: those
        that hold "we" or "I", or "to" a few tokens after a term ("we take clusters to be",
        "the term cluster is used to"), and one of the forms' verbs ("call", "take", "use")."""
        found = set(number_of[(lower == self._we[0]) | (lower == self._we[1])].tolist())
        to = np.flatnonzero(lower == self._to)
        if len(to) and len(term_starts):
            after = to[np.searchsorted(to, term_starts, side="right").clip(max=len(to) - 1)]
            near = (after > term_starts) & (after - term_starts <= _TO_REACH)
            found.update(number_of[term_starts[near]].tolist())
        return {
            n
            for n in found
            if not self._naming.isdisjoint(lower[bounds[n] : bounds[n + 1]].tolist())
        }

    def _quoted_citations(
        self, columns: np.ndarray, number_of: np.ndarray, first: np.ndarray
    ) -> dict[int, list[int]]:
        """The sentences in which a quotation ends with its citation: '..." (Porter, 1998,
        p. 199)', "...\u201d (Feser 1998: 12)", '..." [3]'.

        The quotation holds at least :data:`_QUOTED_WORDS` words; it opens in the
        sentence or just before its first word (a sentence starts at a word). The
        parenthesis holds a year, the bracket a number. Each sentence's quotations are
        given by the tokens that open them.
        """
        orth, shape, alpha = columns[:, 1], columns[:, 7], columns[:, 6]
        opens = (orth[1:] == self._paren) | (orth[1:] == self._bracket)
        found: dict[int, list[int]] = {}
        for at in np.flatnonzero(opens).tolist():
            if int(orth[at]) not in self._openers or not self._cites(orth, shape, at + 1):
                continue
            number = int(number_of[at])
            opener, begin = self._openers[int(orth[at])], max(0, int(first[number]) - 2)
            before = np.flatnonzero(orth[begin:at] == opener)
            if len(before) and alpha[begin + before[-1] + 1 : at].sum() >= _QUOTED_WORDS:
                found.setdefault(number, []).append(begin + int(before[-1]))
        return found

    def _introduces(self, orth: np.ndarray, form: tuple[int, int], opener: int) -> bool:
        """Whether the defining form at tokens ``form`` introduces the quotation opened at
        token ``opener``: the quotation holds the form ("\u201cClusters are ...\u201d"), or
        opens at most :data:`_QUOTE_LEAD` tokens after it, in the same clause."""
        start, end = form
        if opener < start:
            return True
        return end <= opener <= end + _QUOTE_LEAD and self._semicolon not in orth[end:opener]

    def _cites(self, orth: np.ndarray, shape: np.ndarray, at: int) -> bool:
        """Whether the "(" or "[" at token ``at`` opens a citation: a year in a parenthesis
        ("(Porter, 1998, p. 199)", "(Feser 1998: 12)"), a number in a bracket ("[3]")."""
        paren = orth[at] == self._paren
        close = self._strings.add(")" if paren else "]")
        inside = []
        for token in range(at + 1, min(at + 14, len(orth))):
            if orth[token] == close:
                break
            inside.append(int(shape[token]))
        else:
            return False
        return any(s in (self._years if paren else self._numbers) for s in inside)

    def _after_label(self, columns: np.ndarray, first: int, start: int) -> bool:
        """Whether the title-case term at token ``start`` follows a table label's words.

        "Alfred Marshall Clusters are ...", "Economic and industrial
        geographyClusters are ...": a capital term after a word, mid-sentence.
        """
        if start <= first or not columns[start, 4]:
            return False
        before = first + np.flatnonzero(columns[first:start, 3] == 0)
        previous = int(before[-1])
        return bool(columns[previous, 6]) and int(columns[previous, 0]) not in self._determiners

    def _cell_ends(
        self, doc: Doc, row_starts: list[int], first: np.ndarray, last: np.ndarray
    ) -> dict[int, tuple[int, list[int]]]:
        """Per table row that goes on past its first sentence, its last token and the
        sentences it takes in: those that start in the line where the one before ends,
        up to :data:`_CELL_SENTENCES` and never another row."""
        if not row_starts:
            return {}
        text = doc.user_data.get(LINES_KEY)
        if text is None:
            text = doc.text
        taken = set(row_starts)
        cells = {}
        for number in row_starts:
            end, merged, following = last[number], [], number + 1
            while following < len(first) and following not in taken:
                if first[following] < 0 or len(merged) == _CELL_SENTENCES:
                    break
                token = doc[end]
                if "\n" in text[token.idx + len(token) : doc[first[following]].idx]:
                    break
                merged.append(following)
                end, following = last[following], following + 1
            if merged:
                cells[number] = (end, merged)
        return cells

    def _term_starts(self, lower: np.ndarray) -> np.ndarray:
        """The token positions where a term starts, as the term patterns match them."""
        found = []
        for head, lasts in self._term_words:
            size = len(lower) - len(head)
            if size <= 0:
                continue
            hit = _isin(lower[len(head) :], lasts)
            for offset, word in enumerate(head):
                hit &= lower[offset : offset + size] == word
            found.append(np.flatnonzero(hit))
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def _set_lemmas(self, doc: Doc, orth: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
        """Give the tokens in ``ranges`` the lemmas of spaCy's lookup lemmatizer, and return
        the doc's lemmas.

        The lemma of a word is the lookup table's entry for the word as written,
        else the word itself; only the forms' ``LEMMA`` patterns read them.
        """
        from spacy.attrs import LEMMA

        lemmas = doc.to_array(LEMMA)
        if not ranges:
            return lemmas
        at = np.concatenate([np.arange(begin, end) for begin, end in ranges])
        words, inverse = np.unique(orth[at], return_inverse=True)
        lemmas[at] = np.array([self._lemma(word) for word in words.tolist()], np.uint64)[inverse]
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return lemmas

    def _lemma(self, orth: int) -> int:
        lemma = self._lemmas.get(orth)
        if lemma is None:
            word = self._strings[orth]
            lemma = self._lemmas[orth] = self._strings.add(self._lemma_table.get(orth, word))
        return lemma

    def _is_subject(self, columns: np.ndarray, begin: int, start: int) -> bool:
        """Whether the term starting at token ``start`` may head its sentence's subject.

        Not when the last word before it, in the sentence, shows it is not the
        subject ("the development of clusters"), unless that word is "of" after
        a notion ("the notion of clusters").
        """
        before = (begin + np.flatnonzero(columns[begin:start, 3] == 0)).tolist()
        if not before or int(columns[before[-1], 0]) not in self._not_subject:
            return True
        return (
            int(columns[before[-1], 0]) == self._of
            and len(before) > 1
            and int(columns[before[-2], 0]) in self._notions
        )


_SUBJECT_RULES = frozenset(RULE_WEIGHTS) - {
    "we_define",
    "cited_definition",
    "notion_of",
    "table_apposition",
    "based_on_idea",
}


def _span_text(doc: Doc, span: Span) -> str:
    """``span.text``, sliced from the doc's text when :func:`page_docs` kept it."""
    text = doc.user_data.get(TEXT_KEY)
    return span.text if text is None else text[span.start_char : span.end_char]


def _sorted_ids(strings: Any, words: Iterable[str]) -> np.ndarray:
    """The ids of ``words`` in the string store ``strings``, sorted, for :func:`_isin`."""
    return np.array(sorted(strings.add(word) for word in words), dtype=np.uint64)


def _isin(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(values, members)`` for sorted, non-empty ``members``: a binary search
    of each value, where ``np.isin`` sorts them all, a cost paid again at every call.

    Examples
    --------
    >>> _isin(np.array([3, 1, 7, 9]), np.array([1, 7]))
    array([False,  True,  True, False])
    """
    found = np.searchsorted(members, values).clip(max=len(members) - 1)
    return members[found] == values


def _run_starts(values: np.ndarray) -> np.ndarray:
    """The index of each run's first value in sorted ``values``: ``np.unique``'s
    ``return_index`` without its sort.

    Examples
    --------
    >>> _run_starts(np.array([0, 0, 2, 2, 2, 5]))
    array([0, 2, 5])
    """
    changes = np.ones(len(values), dtype=bool)
    changes[1:] = values[1:] != values[:-1]
    return np.flatnonzero(changes)


def _combine(probability: float, rule: str) -> float:
    if rule == "detector":
        return probability / 2
    return 1.0 - (1.0 - probability) * (1.0 - RULE_WEIGHTS[rule])


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Span

    for name in ("definition_score", "definition_rule"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Language.has_factory("defcode_sentencizer"):
        Language.factory(
            "defcode_sentencizer",
            assigns=["token.is_sent_start", "doc.sents"],
            default_config={"punct_chars": None, "overwrite": False},
        )(make_sentencizer)
    if not Language.has_factory("defcode_line_breaks"):
        Language.factory("defcode_line_breaks", default_config={"short": 0.7})(make_line_breaks)
    if not Language.has_factory("defcode_definitions"):
        Language.factory("defcode_definitions", default_config={"terms": [], "detector": ""})(
            make_definition_finder
        )


def make_line_breaks(nlp: Language, name: str, short: float) -> LineBreaks:
    """spaCy factory of ``defcode_line_breaks``."""
    return LineBreaks(short)


def make_sentencizer(
    nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool
) -> Any:
    """spaCy factory of ``defcode_sentencizer``: a :class:`PunctuationSentences`."""
    return _sentencizer_class()(name, punct_chars=punct_chars, overwrite=overwrite)


def make_definition_finder(
    nlp: Language, name: str, terms: list[str], detector: str
) -> DefinitionFinder:
    """spaCy factory of ``defcode_definitions``."""
    return DefinitionFinder(nlp, terms, detector)


@cache
def definition_pipeline(terms: tuple[str, ...], detector: str = "") -> Language:
    """The sentence-finding pipeline for a concept's terms, built once per process.

    Examples
    --------
    >>> nlp = definition_pipeline(("cluster",))
    >>> nlp.pipe_names
    ['defcode_line_breaks', 'sentencizer', 'defcode_definitions']
    >>> doc = nlp("Results are shown below. A cluster is defined as a group of firms.")
    >>> [(s.text, s._.definition_rule) for s in doc.spans["definitions"]]
    [('A cluster is defined as a group of firms.', 'defined_as')]
    """
    import spacy
    from spacy.symbols import ORTH
    from spacy.util import compile_infix_regex

    from corpus.nlp import blank_english

    _register()
    # The vocabulary and lemma table of the process's shared pipeline, which the
    # detector, the term forms and the finder's lemmas use too.
    base = blank_english()
    nlp = spacy.blank("en", vocab=base.vocab)
    for abbreviation in _ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, _glued_term(terms)]
    ).finditer
    # A run of white space is one token, as English's rules make it; said so here, the
    # tokenizer does not first try each prefix, suffix and infix rule at each of its
    # characters. page_docs blanks the text far from the concept with such runs, of as
    # many lengths as there are gaps: few are in the tokenizer's cache.
    nlp.tokenizer.token_match = _WHITE_SPACE.fullmatch
    nlp.add_pipe("defcode_line_breaks")
    nlp.add_pipe("defcode_sentencizer", name="sentencizer", config={"overwrite": False})
    nlp.add_pipe("defcode_definitions", config={"terms": list(terms), "detector": detector})
    return nlp


_WHITE_SPACE = re.compile(r"\s+")


def _glued_term(terms: Sequence[str]) -> str:
    """An infix that splits a capital term from the word it is glued to.

    PDF text glues a table's cells where the space between them was drawn,
    not written: "geographyClusters are ..." becomes "geography", "Clusters".

    Examples
    --------
    >>> _glued_term(["cluster"])
    '(?<=[a-z]{2})(?=(?:Clusters|Cluster)(?![a-z]))'
    """
    heads = {form.split()[0].title() for term in terms for form in term_forms(term)}
    words = "|".join(map(re.escape, sorted(heads, key=len, reverse=True)))
    return rf"(?<=[a-z]{{2}})(?=(?:{words})(?![a-z]))"


#: Abbreviations that scholarly writing puts mid-sentence, kept whole so that
#: their full stop ends no sentence ("Porter et al. (1998) define ...").
#: spaCy's English exceptions already hold "e.g.", "i.e." and "vs.".
_ABBREVIATIONS = (
    "al.", "cf.", "approx.", "ca.", "resp.", "esp.", "viz.", "ibid.", "Ibid.", "op.", "cit.",
    "eds.", "pp.", "vol.", "Vol.", "fig.", "Fig.", "Figs.", "Eq.", "Eqs.", "Sect.", "Ch.", "Chap.",
)  # fmt: skip


def term_first_words(terms: Sequence[str]) -> set[str]:
    """The first words of the terms' forms: a page without one of them names no term.

    Examples
    --------
    >>> sorted(term_first_words(["cluster", "industrial district"]))
    ['cluster', 'clusters', 'industrial']
    """
    return {form.split()[0] for term in terms for form in term_forms(term)}


def term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """A regular expression that finds any form of the terms, to skip pages quickly."""
    forms = sorted({form for term in terms for form in term_forms(term)}, key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, form.split())) for form in forms)
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


def find_definitions(
    pages: Sequence[str], terms: Sequence[str], *, detector: str = ""
) -> pd.DataFrame:
    """The candidate definitions of a document's pages.

    Parameters
    ----------
    pages : sequence of str
        Page texts, page 1 first.
    terms : sequence of str
        The concept's terms.
    detector : str, default=""
        A saved detector's path; the shipped one when empty.

    Returns
    -------
    pandas.DataFrame
        Columns ``page`` (from 1), ``start``, ``end`` (character offsets into
        the page text), ``text`` (white space collapsed), ``score``, ``rule``.
        Pages that never name the concept are not read.

    See Also
    --------
    find_in_documents : The same for several documents at once.

    Examples
    --------
    >>> find_definitions(["Clusters are groups of firms.", "Nothing here."], ["cluster"])[
    ...     ["page", "start", "end", "rule"]]
       page  start  end    rule
    0     1      0   29  copula
    """
    return find_in_documents([pages], terms, detector=detector)[0]


def find_in_documents(
    documents: Sequence[Sequence[str]], terms: Sequence[str], *, detector: str = ""
) -> list[pd.DataFrame]:
    """The candidate definitions of each of several documents.

    The candidates of all the documents are scored together, in as few
    detector calls as the pipeline's batch size allows: each call has a fixed
    cost, which one call per document paid again.

    Parameters
    ----------
    documents : sequence of sequence of str
        Each document's page texts, page 1 first.
    terms, detector
        As :func:`find_definitions`.

    Returns
    -------
    list of pandas.DataFrame
        One frame per document, as :func:`find_definitions` gives it.
    """
    nlp = definition_pipeline(tuple(terms), detector)
    mentioned = term_pattern(terms)
    first_words = term_first_words(terms)
    texts = [[continued(pages, n) for n in range(1, len(pages) + 1)] for pages in documents]
    numbers = [
        [n for n, text in enumerate(read, start=1) if names_concept(text, first_words, mentioned)]
        for read in texts
    ]
    items = (
        (doc, (index, number, offset))
        for index, (read, named) in enumerate(zip(texts, numbers, strict=True))
        for number in named
        for offset, doc in page_docs(nlp, read[number - 1], mentioned)
    )
    rows: list[list[tuple]] = [[] for _ in documents]
    for doc, (index, number, offset) in nlp.pipe(items, as_tuples=True):
        length, text = len(documents[index][number - 1]), texts[index][number - 1]
        for span in doc.spans[SPANS_KEY]:
            start, end = offset + span.start_char, offset + span.end_char
            page, first, last, end_page = placed(number, length, start, end)
            score, rule = round(span._.definition_score, 4), span._.definition_rule
            text_of = span_text(text, length, start, end)
            rows[index].append((page, first, last, text_of, score, rule, end_page, number))
    return [owned(found, set(named)) for found, named in zip(rows, numbers, strict=True)]
