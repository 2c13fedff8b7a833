"""`bench/ingest.py` on concept-dense papers: every page names the concept.

A review's corpus holds papers collected because they are about the concept,
so nearly every page names it and is searched. This bench builds (once,
cached in ``bench/.cache/dense/`` and ``bench/.cache/dense4800/``) such
papers from the seed paper's text (``../shared/seed``, a paper about
industrial clusters): its sentences and the definitions of its tables,
reshuffled into paragraphs and sections by ``bench/ingest.py``'s
``write_paper``, 60 PDFs of 960 pages and 300 PDFs of 4,800 pages. Every
page names "cluster", with about 10 candidate sentences a page.

Then, for each corpus, it times the bare pypdfium2 loop and ``defcode
ingest`` side by side, as whole processes, as ``bench/ingest.py`` does on
any folder. The target is ingest / bare <= 2.0x on the 4,800 pages.

Run: .venv/bin/python bench/dense_corpus.py [--pages 960|4800] [--against CHECKOUT] [--rounds N]

``--against`` also times ``defcode ingest`` run from another checkout of
defcode (e.g. ``git worktree add /tmp/base main``), alternating with this
one's in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import ingest  # bench/ingest.py: a script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20251204
SUBJECT = "regional studies"
#: Pages in all -> (papers, cache folder name).
SIZES = {960: (60, "dense"), 4800: (300, "dense4800")}
#: Of every four seed sentences, this many are followed by a sentence of DEFT's
#: economics text, which thins the concept to about 10 candidate sentences a page.
THINNING = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def seed_sentences() -> list[str]:
    """The sentences of the seed paper's running text and of its tables' definitions."""
    sys.path.insert(0, str(ROOT))
    from tests.typeset import SEED as SEED_FOLDER
    from tests.typeset import TABLES, _seed_blocks

    raw = next(SEED_FOLDER.glob("*.txt")).read_text(encoding="utf-8")
    texts = [b.text for b in _seed_blocks(raw) if b.kind in ("paragraph", "list_item")]
    texts += [row[1] for table in TABLES.values() for row in table.rows if len(row[1]) > 40]
    sentences = [s for text in texts for s in _SENTENCE.split(text) if len(s.split()) >= 5]
    return [s.translate(ingest.TYPOGRAPHY) for s in sentences]


def dense_sentences() -> list[str]:
    """Seed sentences with DEFT economics sentences among them (see :data:`THINNING`)."""
    seed = seed_sentences()
    others = [
        s
        for s in ingest.load_sentences(ingest.DEFT_TRAIN)["economic"]
        if not ingest.CLUSTER_RE.search(s)
    ]
    mixed = []
    for number, sentence in enumerate(seed):
        mixed.append(sentence)
        if number % 4 < THINNING:
            mixed.append(others[number % len(others)])
    return mixed


def key(pages: int) -> dict[str, object]:
    """Everything a dense corpus depends on; a change means rebuilding it."""
    base = ingest._corpus_key()
    papers, _ = SIZES[pages]
    return base | {"seed": SEED, "papers": papers, "pages": pages, "dense": 1, "thin": THINNING}


def build(pages: int) -> dict[str, dict[str, int]]:
    """Write the dense corpus of ``pages`` pages; return each file's stats."""
    papers, name = SIZES[pages]
    folder = ingest.CACHE / name
    sentences = dense_sentences()
    counts = ingest.page_counts(random.Random(SEED), papers, pages)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):
        old.unlink()
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        jobs = {}
        for number, count in enumerate(counts):
            path = folder / f"dense{number + 1:03d}.pdf"
            jobs[path.name] = pool.submit(
                ingest.write_paper,
                path,
                number=number + 1,
                pages=count,
                subject=SUBJECT,
                sentences=sentences,
                cluster=False,
                rng=random.Random(f"{SEED}-{number}"),
            )
        files = {name: job.result() for name, job in jobs.items()}
    _check_every_page_names_the_concept(folder)
    return files


def _check_every_page_names_the_concept(folder: Path) -> None:
    import pypdfium2 as pdfium

    for path in sorted(folder.glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        for index in range(len(pdf)):
            text = pdf[index].get_textpage().get_text_bounded()
            if not ingest.CLUSTER_RE.search(text):
                raise RuntimeError(f"{path.name}, page {index + 1}: does not name the concept")
        pdf.close()


def corpus(pages: int) -> Path:
    """The folder of the dense corpus of ``pages`` pages, built if missing or stale."""
    _, name = SIZES[pages]
    folder = ingest.CACHE / name
    ingest.cached_corpus(folder, ingest.CACHE / f"{name}.json", key(pages), lambda: build(pages))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, choices=sorted(SIZES), action="append")
    ingest.add_options(parser)
    args = parser.parse_args()
    for pages in args.pages or sorted(SIZES):
        ingest.main(corpus(pages), against=args.against, target=2.0, rounds=args.rounds)


if __name__ == "__main__":
    main()
