"""Codebooks, the classifier that proposes codes, and the coders' decisions.

``coding`` may import ``corpus``; it never imports ``analysis``.
"""

from coding.codebook import Category, Codebook, Scheme, load_codebook

__all__ = ["Category", "Codebook", "Scheme", "load_codebook"]
