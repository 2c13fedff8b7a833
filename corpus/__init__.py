"""Load documents and definitions, find definitional sentences, keep provenance.

``corpus`` is the bottom layer of defcode: it imports neither ``coding`` nor
``analysis``.
"""

from corpus.errors import InputError

__all__ = ["InputError"]
