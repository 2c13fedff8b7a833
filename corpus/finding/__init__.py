"""Finding the sentences that may define a concept.

- :mod:`corpus.finding.finder`: the spaCy pipeline that finds candidate definitions;
- :mod:`corpus.finding.detector`: the definition detector trained on DEFT, which
  scores them.
"""

__all__ = ["detector", "finder"]
