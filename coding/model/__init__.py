"""The model: a classifier per scheme that proposes codes, calibrated and evaluated.

This package offers the trained model itself (:class:`Model`: :func:`train`,
:func:`save_model`, :func:`load_model`, :func:`classify_file`), re-exported
from a private module. Its parts are submodules, imported when used so that
loading this package does not load scikit-learn:

- :mod:`coding.model.classifier`: the scikit-learn classifier of one scheme;
- :mod:`coding.model.credit`: what it reads of a definition (text and credited authors);
- :mod:`coding.model.calibration`: temperature scaling of its probabilities;
- :mod:`coding.model.evaluation`: nested leave-one-out against baselines;
- :mod:`coding.model.proposals`: the code, its probability, the runners-up and why.
"""

from coding.model._model import (
    FORMAT,
    MIN_DEFINITIONS,
    NEAR_EQUAL,
    Model,
    bundled_model_path,
    classify_file,
    degenerate,
    learnable,
    load_model,
    save_model,
    train,
)

__all__ = [
    "FORMAT",
    "MIN_DEFINITIONS",
    "NEAR_EQUAL",
    "Model",
    "bundled_model_path",
    "classify_file",
    "degenerate",
    "learnable",
    "load_model",
    "save_model",
    "train",
]
