"""The shared spaCy pipeline and the lemma strings the classifier reads."""

from __future__ import annotations

import pytest

from corpus.nlp import _BATCH, blank_english, lemma_lookup, lemma_strings

TRICKY = [
    "Clusters are geographically proximate groups.",
    "",
    "   ",
    "  leading and trailing spaces  ",
    "Line\nbreaks,\ttabs and\r\nreturns\n\n",
    "Firms don't cluster; they're clustered (Porter, 1990: 78).",
    "See https://example.org/clusters?x=1 or e-mail a@b.org!",
    "Non-BMP \U0001d520luster letters \U0001f600 and emoji \U0001f44d\U0001f3fd in the middle.",
    "state-of-the-art co-location U.S. firms",
    "\n",
    "...",
]


def _one_at_a_time(text: str) -> str:
    table = lemma_lookup()
    tokens = blank_english().tokenizer(text)
    return " ".join(
        table.get(t.lower) or t.lower_ for t in tokens if not (t.is_punct or t.is_space)
    )


def test_lemma_strings_of_a_batch_are_those_of_each_text_alone():
    texts = TRICKY * (_BATCH // len(TRICKY) + 2)  # several batches, cut mid-list
    assert len(texts) > _BATCH
    assert lemma_strings(texts) == [_one_at_a_time(t) for t in texts]


@pytest.mark.parametrize("text", TRICKY)
def test_lemma_strings_of_one_text(text):
    assert lemma_strings([text]) == [_one_at_a_time(text)]


def test_lemma_strings_values():
    assert lemma_strings(["Firms don't cluster.", "", "Clusters were linked"]) == [
        "firm do not cluster",
        "",
        "cluster be link",
    ]
    assert lemma_strings([]) == []
