"""From candidate sentences to definitions: the quoted text, its citation, its repeats.

- :mod:`corpus.definitions.citations`: a definition read out of its sentence,
  with the citation that credits it;
- :mod:`corpus.definitions.references`: a document's reference list, and a
  citation's entry in it or in a BibTeX file;
- :mod:`corpus.definitions.grouping`: the repeats of one definition grouped;
- :mod:`corpus.definitions.occurrences`: all of it put together, each distinct
  definition credited to the work that gave it;
- :mod:`corpus.definitions.store`: distinct definitions and their occurrences
  in the corpus database.
"""

__all__ = ["citations", "grouping", "occurrences", "references", "store"]
