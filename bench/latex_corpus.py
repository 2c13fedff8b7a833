"""`bench/ingest.py` on LaTeX-typeset papers, the PDFs most research is read from.

Builds (once, cached in ``bench/.cache/latex/``) 60 papers with pdflatex from
the same DEFT sentences as ``bench/ingest.py``: two-column article layout in
Latin Modern with microtype, a title block and abstract, numbered sections, a
running head and page numbers, inline and displayed mathematics, a booktabs
table per paper, a reference list, and in one paper in three a few
paragraphs about industrial clusters. About 1,000 pages in all. Then times the
bare pypdfium2 loop and ``defcode ingest`` on them, as ``bench/ingest.py``
does on any folder (``--against CHECKOUT`` as there).

Run: .venv/bin/python bench/latex_corpus.py  (needs pdflatex)
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ingest  # bench/ingest.py: a script's own folder is on sys.path

FOLDER = ingest.CACHE / "latex"
MANIFEST = ingest.CACHE / "latex.json"
SEED = 20261129
PARAGRAPHS_PER_PAGE = 6.8  # measured: two columns of 10pt text hold about this many
SPECIAL = re.compile(r"([&%$#_{}])|(\\)|(~)|(\^)")
KEY = {"seed": SEED, "papers": ingest.N_PAPERS, "pages": ingest.TOTAL_PAGES, "generator": 2}


def _escape(text: str) -> str:
    """``text`` as LaTeX prints it literally, in the Latin-1 that T1 fonts cover."""

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return "\\" + match.group(1)
        if match.group(2):
            return r"\textbackslash{}"
        return r"\textasciitilde{}" if match.group(3) else r"\textasciicircum{}"

    return SPECIAL.sub(one, ingest._latin1(text))


def paper_source(number: int, pages: int, subject: str, sentences: list[str], cluster: bool) -> str:
    """The LaTeX source of one paper of about ``pages`` pages."""
    rng = random.Random(f"{SEED}-{number}")
    authors = rng.sample(ingest.SURNAMES, rng.randint(1, 4))
    chunks = [sentences[i : i + 6] for i in range(0, len(sentences), 6)]
    rng.shuffle(chunks)
    clusters = rng.sample(ingest.CLUSTER_SENTENCES, len(ingest.CLUSTER_SENTENCES))

    def paragraph() -> str:
        run = chunks.pop() if chunks else rng.choice(sentences[:50]).split(". ")
        return _escape(" ".join(run))

    n_paragraphs = round(pages * PARAGRAPHS_PER_PAGE)
    cluster_at = set(rng.sample(range(3, n_paragraphs), 3)) if cluster else set()
    body = []
    for k in range(n_paragraphs):
        if k % 7 == 0:
            name = ingest.SECTIONS[(k // 7) % len(ingest.SECTIONS)]
            body.append(f"\\section{{{name}}}")
        text = paragraph()
        if k in cluster_at:
            text = " ".join(_escape(clusters.pop()) for _ in range(2)) + " " + text
        if k % 5 == 2:
            text += r" We write $y_i = \alpha + \beta x_i + \varepsilon_i$ for observation $i$."
        body.append(text)
        if k % 11 == 6:
            body.append(
                r"\begin{equation}\hat{\beta} = \frac{\sum_i (x_i - \bar{x})(y_i - \bar{y})}"
                r"{\sum_i (x_i - \bar{x})^2}\end{equation}"
            )
        if k == n_paragraphs // 2:
            rows = "\n".join(
                f"{ingest.SUBSECTIONS[j]} & {rng.randint(10, 999)} & {rng.random():.2f} \\\\"
                for j in range(5)
            )
            body.append(
                "\\begin{table}[t]\\centering\\caption{Measures by topic}\n"
                "\\begin{tabular}{lrr}\\toprule Topic & $n$ & Share \\\\ \\midrule\n"
                f"{rows}\n\\bottomrule\\end{{tabular}}\\end{{table}}"
            )
    references = "\n".join(
        f"\\bibitem{{r{j}}} {rng.choice(ingest.SURNAMES)}, A. ({1990 + j}). "
        f"{_escape(rng.choice(sentences)[:80])}. \\emph{{Journal of {subject.title()}}}, "
        f"{rng.randint(1, 40)}, {rng.randint(1, 300)}--{rng.randint(301, 600)}."
        for j in range(12)
    )
    title = _escape(rng.choice([s for s in sentences if 6 <= len(s.split()) <= 12]))
    head = f"Working Papers in {subject.title()}, vol. {10 + number % 7}"
    names = r" \and ".join(authors)
    return "\n".join(
        [
            r"\documentclass[10pt,a4paper,twocolumn]{article}",
            r"\usepackage[T1]{fontenc}\usepackage{lmodern}\usepackage{microtype}",
            r"\usepackage{amsmath}\usepackage{booktabs}",
            r"\usepackage[margin=2cm]{geometry}",
            r"\pdfinfoomitdate=1 \pdftrailerid{} \pdfsuppressptexinfo=-1",
            f"\\title{{{title.rstrip('.')}}}\\author{{{names}}}\\date{{}}",
            f"\\pagestyle{{myheadings}}\\markright{{{head}}}",
            r"\begin{document}\maketitle\thispagestyle{myheadings}",
            f"\\begin{{abstract}}{paragraph()}\\end{{abstract}}",
            *body,
            f"\\begin{{thebibliography}}{{99}}\n{references}\n\\end{{thebibliography}}",
            r"\end{document}",
        ]
    )


def _compile(source: str, pdf: Path) -> dict[str, int]:
    """Typeset ``source`` into ``pdf`` with defcode's own pdflatex runner; its page count."""
    from analysis.latex import compile_pdf

    with tempfile.TemporaryDirectory() as tmp:
        tex = Path(tmp) / "paper.tex"
        tex.write_text(source, encoding="utf-8")
        shutil.copyfile(compile_pdf(tex, runs=0), pdf)
    return {"pages": ingest.page_count(pdf)}


def build() -> dict[str, dict[str, int]]:
    """Typeset the corpus into ``FOLDER``; return each file's page count."""
    if shutil.which("pdflatex") is None:
        sys.exit("error: pdflatex is needed to typeset the papers")
    subjects = ingest.load_sentences(ingest.DEFT_TRAIN)
    names = sorted(subjects)
    rng = random.Random(SEED)
    counts = ingest.page_counts(rng)
    with_clusters = set(rng.sample(range(ingest.N_PAPERS), ingest.N_PAPERS // 3))
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("*.pdf"):
        old.unlink()
    jobs = {}
    with ThreadPoolExecutor(os.cpu_count()) as pool:  # each job runs pdflatex
        for number, pages in enumerate(counts):
            subject = names[number % len(names)]
            cluster = number in with_clusters
            source = paper_source(number, pages, subject, subjects[subject], cluster)
            path = FOLDER / f"paper{number + 1:03d}_{subject}.pdf"
            jobs[path.name] = pool.submit(_compile, source, path)
        return {name: job.result() for name, job in jobs.items()}


def main() -> None:
    ingest.cached_corpus(FOLDER, MANIFEST, KEY, build)
    args = ingest.arguments(folder=False)
    ingest.main(FOLDER, against=args.against, rounds=args.rounds)


if __name__ == "__main__":
    main()
