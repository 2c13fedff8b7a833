"""REFI-QDA exchange with QDA programs (NVivo, ATLAS.ti, MAXQDA, QualCoder).

- :mod:`coding.qda.qdc`: codebooks (``.qdc``) to and from defcode codebooks;
- :mod:`coding.qda.qdpx_export`: a coding store written as a project (``.qdpx``);
- :mod:`coding.qda.qdpx_import`: a project read into a coding store.
"""

__all__ = ["qdc", "qdpx_export", "qdpx_import"]
