"""From candidate sentences to definitions: the quoted text, its citation, its repeats.

:mod:`corpus.definitions.citations` reads a definition out of its frame and
the citation that credits it, :mod:`corpus.definitions.references` reads a
document's reference list, :mod:`corpus.definitions.grouping` groups the
repeats of one definition, :mod:`corpus.definitions.occurrences` puts them
together, and :mod:`corpus.definitions.store` keeps the result in the corpus
database.
"""
