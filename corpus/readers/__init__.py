"""Readers, one per format of the files a researcher collects.

- :mod:`corpus.readers.sources`: any file or folder read as documents of pages
  (it calls the readers below);
- :mod:`corpus.readers.pdf`: a PDF's pages, cleaned for finding sentences;
- :mod:`corpus.readers.bibliography`: BibTeX files;
- :mod:`corpus.readers.deft`: the DEFT corpus, to train the definition detector.
"""

__all__ = ["bibliography", "deft", "pdf", "sources"]
