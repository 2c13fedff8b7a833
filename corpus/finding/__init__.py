"""Finding the sentences that may define a concept.

- :mod:`corpus.finding.finder`: the spaCy pipeline that finds candidate definitions;
- :mod:`corpus.finding.detector`: the definition detector trained on DEFT, which
  scores them;
- :mod:`corpus.finding.ngrams`: the detector's n-gram counts, made with NumPy;
- :mod:`corpus.finding.quotes`: the quotations a sentence may not be cut in.
"""

__all__ = ["detector", "finder", "ngrams", "quotes"]
