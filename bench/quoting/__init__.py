"""Invented papers that quote a shared pool of cluster definitions, and their scoring.

:mod:`bench.quoting.papers` writes a seeded set of PDFs with a ``truth.csv`` of
every quoted definition, :mod:`bench.quoting.score` compares ``defcode
definitions`` output with that truth, and :mod:`bench.quoting.evaluate` runs
the two end to end. See ``docs/quoting-corpus.md``.
"""
