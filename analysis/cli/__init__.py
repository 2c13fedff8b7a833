"""The ``defcode`` command line: one module per command group.

- :mod:`analysis.cli.corpus`: ``ingest``, ``candidates``, ``detect``, ``train-detector``;
- :mod:`analysis.cli.definitions`: ``definitions`` (distinct, attributed definitions);
- :mod:`analysis.cli.scan`: ``scan`` (record exports on Dask);
- :mod:`analysis.cli.codebook`: ``codebook validate``, ``codebook init``;
- :mod:`analysis.cli.codings`: ``codings items``, ``propose``, ``import``, ``export``,
  ``disagreements``, ``resolve``;
- :mod:`analysis.cli.model`: ``train``, ``classify``, ``evaluate``;
- :mod:`analysis.cli.simulate`: ``simulate`` (replay a coded set), and the refit of
  ``codings propose --retrain``;
- :mod:`analysis.cli.reliability`: ``reliability``;
- :mod:`analysis.cli.tables`: ``tables``, ``crosstab``, ``report``;
- :mod:`analysis.cli.qda`: ``qda export-codebook``, ``import-codebook``, ``export``, ``import``.

Commands are thin wrappers around library functions; heavy libraries are
imported inside them so that ``defcode --help`` starts fast. Each module adds
its commands to ``app`` (in ``_util``, with what they share); importing them
here, in this order, lists them in ``defcode --help``.
"""

from __future__ import annotations

import gc

from analysis.cli._util import app

# Importing a module adds its commands to app: this order is their order in --help.
# isort: off
from analysis.cli import corpus
from analysis.cli import definitions
from analysis.cli import scan
from analysis.cli import codebook
from analysis.cli import codings
from analysis.cli import model
from analysis.cli import simulate
from analysis.cli import reliability
from analysis.cli import tables
from analysis.cli import qda

# isort: on

__all__ = [
    "app",
    "codebook",
    "codings",
    "console",
    "corpus",
    "definitions",
    "model",
    "qda",
    "reliability",
    "scan",
    "simulate",
    "tables",
]


def console() -> None:
    """Run the ``defcode`` command, then leave without a slow interpreter teardown.

    At exit the interpreter frees every object spaCy and scikit-learn built,
    running the garbage collector over them again and again: 1 s after a
    command that loaded both. Frozen objects are left to the operating system.
    """
    try:
        app()
    finally:
        gc.freeze()
