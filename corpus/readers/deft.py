"""Read the DEFT corpus as labelled sentences (SemEval-2020 Task 6, subtask 1).

DEFT (Spala et al., 2019) is distributed by Adobe Research under the Creative
Commons Attribution-NonCommercial-ShareAlike 4.0 licence (CC BY-NC-SA 4.0):
the corpus, and anything derived from it such as a model trained on it, may be
shared only with attribution, for non-commercial purposes and under the same
licence. defcode does not ship the corpus; point :func:`load_deft` at a copy.

A ``.deft`` file has one token per line, tab-separated::

    token \\t source_file \\t start \\t end \\t tag \\t tag_id \\t root_id \\t relation

Every field after the token starts with a space (``" B-Definition"``), and blank
lines separate the sentences. :func:`load_deft` turns the files into sentences
exactly as the official subtask-1 script ``task1_converter.py`` of
``adobe-research/deft_corpus`` does, quirks included:

* A blank line ends a sentence, unless all the sentence holds so far is a list
  or section number (``^\\s*\\d+\\s*\\.$`` on the tokens joined with spaces, e.g.
  ``5 .``) and the line before the blank one is not blank: the number then starts
  the next sentence (``8 . In deductive reasoning , ...``). A number followed by
  two blank lines is a sentence of its own. About 36 % of the sentences start
  with such a number.
* A sentence that no blank line follows at the end of a file is dropped. No
  train file ends with a blank line, so train loses 80 sentences (6 positive);
  the dev files lose none. ``keep_trailing=True`` keeps them.
* The label is 1 when a token's tag field, from its fourth character on (after
  the leading space and the ``B-``/``I-``), reads ``Definition``. ``B-Definition``
  and ``I-Definition`` count; ``Secondary-``, ``Referential-`` and
  ``Ordered-Definition`` and ``Definition-frag`` do not. A sentence holding only
  ``I-Definition`` tokens (a definition continuing from the previous sentence) is
  therefore positive; ``has_b_def`` is the stricter "holds a ``B-Definition``".

With the official rule, train has 17,739 sentences (5,776 positive) in 80 files
and dev has 872 (284 positive) in 68 files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from corpus.errors import InputError

__all__ = ["COLUMNS", "load_deft"]

COLUMNS: tuple[str, ...] = (
    "split",
    "file",
    "sentence_no",
    "text",
    "text_tok",
    "label",
    "has_b_def",
)
_NUMBER_ONLY = re.compile(r"^\s*\d+\s*\.$")
_BLANK = re.compile(r"^\s+$")


def load_deft(
    root: str | Path,
    splits: Sequence[str] = ("train", "dev"),
    *,
    keep_trailing: bool = False,
) -> pd.DataFrame:
    """Read the DEFT subtask-1 sentences of the given splits, one row per sentence.

    Parameters
    ----------
    root : str or Path
        A copy of ``deft_corpus`` (holding ``data/deft_files/<split>/*.deft``), its
        ``deft_files`` folder, or any folder holding one sub-folder per split.
    splits : sequence of str, default ("train", "dev")
        The split folders to read, in this order; a single string reads one split.
    keep_trailing : bool, default False
        Keep the last sentence of a file when no blank line follows it; the
        official converter drops it.

    Returns
    -------
    pandas.DataFrame
        Columns:

        * ``split``: the split folder name.
        * ``file``: the ``.deft`` file name (train and dev share file names).
        * ``sentence_no``: position of the sentence in its file, from 0.
        * ``text``: the sentence with its original spacing, rebuilt from the
          character offsets (one space wherever the source had a gap).
        * ``text_tok``: the official subtask-1 string, tokens joined by single
          spaces (without the leading space the official script writes).
        * ``label``: 1 if the sentence holds a ``B-`` or ``I-Definition`` token
          (the official rule), else 0.
        * ``has_b_def``: 1 if it holds a ``B-Definition`` token, else 0.

        Files are read in name order.

    Raises
    ------
    InputError
        If no split folder with ``.deft`` files is found under ``root``, if a
        requested split has none, or if a token line has too few fields.

    Examples
    --------
    >>> deft = load_deft("../shared/data/deft")  # doctest: +SKIP
    >>> deft.groupby("split")["label"].agg(["size", "sum"])  # doctest: +SKIP
           size   sum
    split
    dev     872   284
    train 17739  5776
    """
    splits = (splits,) if isinstance(splits, str) else tuple(splits)
    if not splits:
        raise InputError("splits is empty: name at least one split, e.g. splits=('train',)")
    base = _split_folder(Path(root), splits)
    rows: list[dict[str, object]] = []
    for split in splits:
        paths = sorted((base / split).glob("*.deft"))
        if not paths:
            raise InputError(f"{base / split}: no .deft files for split {split!r}")
        for path in paths:
            for number, record in enumerate(_read_file(path, keep_trailing)):
                rows.append({"split": split, "file": path.name, "sentence_no": number, **record})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _split_folder(root: Path, splits: tuple[str, ...]) -> Path:
    """The folder under ``root`` that holds the split folders."""
    for base in (root / "data" / "deft_files", root / "deft_files", root):
        if any(next((base / split).glob("*.deft"), None) for split in splits):
            return base
    raise InputError(
        f"{root}: no DEFT data found; expected .deft files in "
        f"{root}/data/deft_files/<split>/ or {root}/<split>/ for splits {', '.join(splits)}"
    )


def _read_file(path: Path, keep_trailing: bool) -> list[dict[str, object]]:
    """The sentence records of one ``.deft`` file, as the official converter splits them."""
    with path.open(encoding="utf-8") as handle:
        lines = handle.readlines()
    records: list[dict[str, object]] = []
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    label = b_def = False

    def flush() -> None:
        nonlocal label, b_def
        records.append(
            {
                "text": _spaced_text(tokens, spans),
                "text_tok": " ".join(tokens),
                "label": int(label),
                "has_b_def": int(b_def),
            }
        )
        tokens.clear()
        spans.clear()
        label = b_def = False

    for index, line in enumerate(lines):
        if (
            _BLANK.match(line)
            and tokens
            and (
                not _NUMBER_ONLY.match("".join(" " + t for t in tokens)) or lines[index - 1] == "\n"
            )
        ):
            flush()
        if line == "\n":
            continue
        parts = line.split("\t")
        if len(parts) < 5:
            raise InputError(
                f"{path}, line {index + 1}: expected at least 5 tab-separated fields "
                f"(token, source, start, end, tag), found {len(parts)}"
            )
        try:
            start, end = int(parts[2]), int(parts[3])
        except ValueError:
            raise InputError(
                f"{path}, line {index + 1}: fields 'start' and 'end' must be integers, "
                f"found {parts[2]!r} and {parts[3]!r}"
            ) from None
        tokens.append(parts[0])
        spans.append((start, end))
        tag = parts[4]
        label = label or tag[3:] == "Definition"
        b_def = b_def or tag.strip() == "B-Definition"
    if keep_trailing and tokens:
        flush()
    return records


def _spaced_text(tokens: list[str], spans: list[tuple[int, int]]) -> str:
    """Join tokens, with one space wherever the source had a gap between them."""
    parts: list[str] = []
    previous_end: int | None = None
    for token, (start, end) in zip(tokens, spans, strict=True):
        if previous_end is not None and start > previous_end:
            parts.append(" ")
        parts.append(token)
        previous_end = end
    return "".join(parts)
