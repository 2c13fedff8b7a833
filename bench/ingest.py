"""Pages per second of `defcode ingest` against a bare pypdfium2 text-extraction loop.

Builds (once, cached in ``bench/.cache/pdfs/``) a deterministic corpus of 60
ordinary research PDFs, about 1,000 A4 pages in all: running text from the
DEFT textbook sentences arranged into sections and paragraphs, a running
header and page numbers, and in one paper in three a few paragraphs about
industrial clusters. Then times two whole processes side by side, in 3
rounds after a warm-up round (``--rounds N`` for more), and prints the best
time, the range, pages per second, CPU time, peak memory and the ratio of
each round, with their median:

* the bare loop: open every PDF with pypdfium2 and extract each page's text;
* ``defcode ingest <corpus> --db <tmp>/bench.db --quiet`` into a fresh database.

The target is ingest / bare <= 1.5x.

Given a folder, it times the same two processes on the PDFs in it (searched
recursively; every one must be readable), e.g. on a review's own papers.
``--against CHECKOUT`` also times ``defcode ingest`` run from another checkout
of defcode (e.g. ``git worktree add /tmp/base main``) in the same rounds.

Run: .venv/bin/python bench/ingest.py [FOLDER] [--against CHECKOUT] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

# The shared data sits beside the checkout, as ../shared.
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFT_TRAIN = SHARED / "data" / "deft" / "data" / "deft_files" / "train"
CACHE = Path(__file__).resolve().parent / ".cache"
CORPUS = CACHE / "pdfs"
# The manifest sits beside the corpus, not in it, so that ingest sees only PDFs.
MANIFEST = CACHE / "pdfs.json"
DEFCODE = Path(sys.executable).with_name("defcode")

SEED = 20240611
N_PAPERS = 60
TOTAL_PAGES = 1000
MIN_PAGES, MAX_PAGES = 10, 25
CLUSTER_SHARE = 1 / 3
FONT_SIZES = (10.0, 10.5, 11.0)
CREATED = datetime(2024, 1, 1, tzinfo=UTC)
REPEAT = 3

CLUSTER_SENTENCES = [
    "Clusters are geographic concentrations of interconnected companies and institutions "
    "in a particular field.",
    "An industrial cluster is a group of firms and related organisations that are located "
    "close to each other and draw on common resources.",
    "A cluster can be defined as a geographically proximate group of interconnected companies "
    "and associated institutions, linked by commonalities and complementarities.",
    "Industrial districts and clusters refer to localised systems of small and medium-sized "
    "firms that specialise in different phases of the same production process.",
    "In this paper, a regional cluster is understood as a concentration of firms in one sector "
    "whose competitiveness rests on shared suppliers, skilled labour and specialised knowledge.",
    "Clustering allows firms to benefit from external economies of scale that no single "
    "company could achieve on its own.",
    "Policy makers have often tried to create clusters by subsidising science parks, with "
    "mixed results.",
    "The wine cluster in California includes growers, wineries, equipment makers, research "
    "institutes and trade associations.",
    "Critics argue that the cluster concept is so elastic that almost any spatial "
    "concentration of economic activity can be called a cluster.",
    "Firms in a cluster compete intensely while also cooperating on training, marketing and "
    "lobbying.",
    "Knowledge spillovers are thought to be stronger in clustered industries because tacit "
    "know-how travels through face-to-face contact.",
    "Innovative clusters are networks of strongly interdependent firms linked to each other "
    "in a value-adding production chain.",
    "We measured the degree of clustering with location quotients computed from regional "
    "employment data.",
    "A cluster is not merely an agglomeration of firms; it is a system of relationships in "
    "which trust and local institutions matter.",
    "Several studies find that employment grows faster in regions where an industry is "
    "clustered than in regions where it is dispersed.",
    "The term cluster was popularised by Michael Porter in The Competitive Advantage of "
    "Nations, published in 1990.",
]
CLUSTER_RE = re.compile(r"cluster", re.IGNORECASE)
# DEFT keeps the OpenStax figure references as "[link]"; papers say "Figure 3".
LINK = re.compile(r"\[link\]")

SECTIONS = [
    "Introduction",
    "Background",
    "Related work",
    "Data and methods",
    "Results",
    "Discussion",
    "Limitations",
    "Further evidence",
    "Implications",
    "Conclusion",
]
SUBSECTIONS = [
    "Definitions",
    "Theoretical framework",
    "Measurement",
    "Case studies",
    "Historical development",
    "Empirical findings",
    "Mechanisms",
    "Open questions",
    "Comparison with earlier work",
    "Summary",
]
SURNAMES = [
    "Andersen",
    "Bianchi",
    "Chen",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ito",
    "Kowalski",
    "Laine",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Peters",
    "Rossi",
    "Silva",
    "Tanaka",
    "Varga",
    "Weber",
]
# Typographic characters common in DEFT that the core fonts lack; the rest become "?".
TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
    | {"\u2212": "-", "\u2026": "..."}
)
MM_PER_PT = 25.4 / 72

BARE_LOOP = """\
import sys
from pathlib import Path

import pypdfium2 as pdfium

pages = 0
for path in sorted(Path(sys.argv[1]).rglob("*.pdf")):
    pdf = pdfium.PdfDocument(path)
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_bounded()
        textpage.close()
        page.close()
        pages += 1
    pdf.close()
print(pages)
"""


def page_count(pdf: Path) -> int:
    """The number of pages of ``pdf``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def load_sentences(folder: Path) -> dict[str, list[str]]:
    """Read the DEFT ``.deft`` files in ``folder`` as sentences grouped by subject.

    Parameters
    ----------
    folder : pathlib.Path
        Folder of ``.deft`` files named like ``t1_biology_0_0.deft``.

    Returns
    -------
    dict of str to list of str
        Subject (``"biology"``, ``"economic"``, ...) to its sentences in file
        order. Spacing is rebuilt from the character offsets; list numbers and
        fragments (fewer than five words, or not starting with a capital) are
        dropped.
    """
    subjects: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.deft")):
        subject = path.stem.split("_")[1]
        sentences = subjects.setdefault(subject, [])
        parts: list[str] = []
        previous_end: int | None = None
        for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
            if not line.strip():
                text = LINK.sub(_figure, "".join(parts).translate(TYPOGRAPHY))
                if len(text.split()) >= 5 and text[0].isupper():
                    sentences.append(text)
                parts, previous_end = [], None
                continue
            token, _, start, end, *_ = line.split("\t")
            if previous_end is not None and int(start) > previous_end:
                parts.append(" ")
            parts.append(token)
            previous_end = int(end)
    return subjects


def _figure(match: re.Match[str]) -> str:
    """A figure reference for one ``[link]``, numbered by its position (deterministic)."""
    return f"Figure {match.start() % 7 + 1}"


def page_counts(rng: random.Random, papers: int = N_PAPERS, total: int = TOTAL_PAGES) -> list[int]:
    """Draw ``papers`` page counts in ``[MIN_PAGES, MAX_PAGES]`` summing to ``total``.

    Parameters
    ----------
    rng : random.Random
        Seeded generator.
    papers, total : int, default=N_PAPERS, TOTAL_PAGES
        How many papers, and their pages in all.

    Returns
    -------
    list of int
        One target page count per paper.
    """
    counts = [rng.randint(MIN_PAGES, MAX_PAGES) for _ in range(papers)]
    while (gap := total - sum(counts)) != 0:
        step = 1 if gap > 0 else -1
        index = rng.randrange(papers)
        if MIN_PAGES <= counts[index] + step <= MAX_PAGES:
            counts[index] += step
    return counts


def _latin1(text: str) -> str:
    """Map ``text`` to what the core fonts can show; other characters become ``?``."""
    return text.encode("latin-1", errors="replace").decode("latin-1")


def write_paper(
    path: Path,
    *,
    number: int,
    pages: int,
    subject: str,
    sentences: list[str],
    cluster: bool,
    rng: random.Random,
) -> dict[str, int]:
    """Write one research paper of exactly ``pages`` pages to ``path``.

    Parameters
    ----------
    path : pathlib.Path
        PDF file to write.
    number : int
        Paper number, shown in the running header.
    pages : int
        Number of pages to fill.
    subject : str
        DEFT subject the running text is drawn from.
    sentences : list of str
        That subject's sentences, in order; paragraphs are runs of them.
    cluster : bool
        Whether to add two to four paragraphs about industrial clusters.
    rng : random.Random
        Seeded generator.

    Returns
    -------
    dict of str to int
        Keys: pages, sentences, cluster_sentences (containing "cluster" in any
        form, case-insensitive) and body_chars (characters of running text,
        headings and title block, without header and footer).
    """
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue, XPos, YPos

    size = rng.choice(FONT_SIZES)
    line = size * 1.25 * MM_PER_PT
    authors = rng.sample(SURNAMES, rng.randint(1, 4))
    short = authors[0] + (" et al." if len(authors) > 2 else "")
    if len(authors) == 2:
        short = " and ".join(authors)
    volume = 10 + number % 7
    running = f"Working Papers in {subject.title()}, vol. {volume} ({2015 + number % 9})"

    class Paper(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(80, 5, running)
            self.cell(0, 5, short, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(6)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")

    pdf = Paper(unit="mm", format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(f"Paper {number} ({subject})")
    pdf.set_author(", ".join(authors))
    pdf.set_margins(25, 18, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()

    stats = {"pages": 0, "sentences": 0, "cluster_sentences": 0, "body_chars": 0}

    def write(text: str, style: str, font_size: float, height: float, gap: float) -> None:
        pdf.set_font("Helvetica", style, font_size)
        pdf.multi_cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)
        stats["body_chars"] += len(text)

    def fits(*blocks: tuple[str, str, float, float, float]) -> bool:
        """Whether ``blocks`` fit on the current page (checked only on the last page)."""
        if pdf.page_no() < pages:
            return True
        need = 0.0
        for text, style, font_size, height, gap in blocks:
            pdf.set_font("Helvetica", style, font_size)
            need += gap + pdf.multi_cell(
                0, height, _latin1(text), dry_run=True, output=MethodReturnValue.HEIGHT
            )
        return pdf.get_y() + need <= pdf.page_break_trigger

    # Paragraphs are runs from disjoint chunks of the subject's text, taken in a
    # shuffled order, so a paper repeats no passage until the subject runs out.
    chunks: list[list[str]] = []
    clusters: list[str] = []

    def next_chunk() -> list[str]:
        if not chunks:
            chunks.extend(sentences[i : i + 7] for i in range(0, len(sentences), 7))
            rng.shuffle(chunks)
        return chunks.pop()

    def paragraph() -> tuple[str, list[str]]:
        run = next_chunk()[: rng.randint(3, 7)]
        while len(run) > 2 and sum(map(len, run)) > 1100:
            run.pop()
        return " ".join(run), run

    def cluster_paragraph() -> tuple[str, list[str]]:
        if len(clusters) < 4:
            clusters.extend(rng.sample(CLUSTER_SENTENCES, len(CLUSTER_SENTENCES)))
        run = [clusters.pop() for _ in range(rng.randint(2, 4))]
        run.insert(rng.randrange(len(run) + 1), next_chunk()[0])
        return " ".join(run), run

    # A short sentence as the title; none mentions clusters, so only the body counts.
    titles = [
        s for s in sentences if 6 <= len(s.split()) <= 12 and s[-1] == "." and "Figure" not in s
    ]
    title = rng.choice([s for s in titles if not CLUSTER_RE.search(s)]).rstrip(".")
    write(title, "B", 16, 8, 3)
    write(", ".join(authors), "", 11, 6, 1)
    write(f"Department of {subject.title()}, Example University", "I", 9, 5, 6)
    abstract, run = paragraph()
    write("Abstract", "B", 10, 5, 1)
    write(abstract, "", size - 0.5, line * 0.95, 3)
    stats["sentences"] += len(run)
    stats["cluster_sentences"] += sum(1 for s in run if CLUSTER_RE.search(s))

    cluster_slots = set(rng.sample(range(2, 40), rng.randint(2, 4))) if cluster else set()
    written = 0
    section = 0
    done = False
    while not done:
        for sub in range(rng.randint(1, 3)):
            name = SECTIONS[section % len(SECTIONS)]
            if sub == 0:
                heading = (f"{section + 1} {name}", "B", 12, 7, 2)
            else:
                heading = (f"{section + 1}.{sub} {rng.choice(SUBSECTIONS)}", "B", 11, 6, 1)
            for count in range(rng.randint(3, 8)):
                text, run = cluster_paragraph() if written in cluster_slots else paragraph()
                block = (text, "", size, line, line * 0.6)
                blocks = [heading, block] if count == 0 else [block]
                if not fits(*blocks):
                    done = True
                    break
                # No heading alone at the foot of a page (the last page is checked by fits).
                low = pdf.get_y() + 3 * line + heading[3] > pdf.page_break_trigger
                if count == 0 and low and pdf.page_no() < pages:
                    pdf.add_page()
                for block_args in blocks:
                    write(*block_args)
                written += 1
                stats["sentences"] += len(run)
                stats["cluster_sentences"] += sum(1 for s in run if CLUSTER_RE.search(s))
            if done:
                break
        section += 1
    if pdf.page_no() != pages:
        raise RuntimeError(f"{path.name}: wrote {pdf.page_no()} pages, expected {pages}")
    stats["pages"] = pdf.page_no()
    pdf.output(str(path))
    return stats


def _corpus_key() -> dict[str, object]:
    """Everything the generated corpus depends on; a change means rebuilding it."""
    from importlib.metadata import version

    return {
        "seed": SEED,
        "papers": N_PAPERS,
        "pages": TOTAL_PAGES,
        "cluster_share": CLUSTER_SHARE,
        "fpdf2": version("fpdf2"),
        "generator": 3,
    }


def build_corpus() -> dict[str, dict[str, int]]:
    """Write the corpus to ``CORPUS``.

    Returns
    -------
    dict
        Each file name mapped to the stats of ``write_paper``.
    """
    if not SHARED.is_dir():
        sys.exit(
            f"error: {SHARED} is missing; bench/ingest.py builds its PDFs from the DEFT "
            f"corpus in {DEFT_TRAIN}"
        )
    if not DEFT_TRAIN.is_dir():
        sys.exit(f"error: the DEFT corpus is not at {DEFT_TRAIN}; bench/ingest.py needs it")
    subjects = load_sentences(DEFT_TRAIN)
    rng = random.Random(SEED)
    counts = page_counts(rng)
    with_clusters = set(rng.sample(range(N_PAPERS), round(N_PAPERS * CLUSTER_SHARE)))
    names = sorted(subjects)
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.glob("*.pdf"):
        old.unlink()
    # fpdf2's line breaker dominates (it re-measures the line for every character),
    # so the papers are written in parallel; each has its own seeded generator.
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        jobs = {}
        for number, pages in enumerate(counts):
            subject = names[number % len(names)]
            path = CORPUS / f"paper{number + 1:03d}_{subject}.pdf"
            jobs[path.name] = pool.submit(
                write_paper,
                path,
                number=number + 1,
                pages=pages,
                subject=subject,
                sentences=subjects[subject],
                cluster=number in with_clusters,
                rng=random.Random(f"{SEED}-{number}"),
            )
        return {name: job.result() for name, job in jobs.items()}


def cached_corpus(
    folder: Path, manifest: Path, key: dict[str, object], build: Callable[[], dict[str, dict]]
) -> dict[str, object]:
    """The manifest of the PDFs in ``folder``, building them first if missing or stale.

    Parameters
    ----------
    folder : pathlib.Path
        Where ``build`` writes the PDFs.
    manifest : pathlib.Path
        The manifest file, beside the folder so that ingest sees only PDFs.
    key : dict
        Everything the corpus depends on; a change means rebuilding it.
    build : callable
        Writes the PDFs and returns each file name's stats, ``pages`` among them.

    Returns
    -------
    dict
        ``key``, ``seconds`` the build took and ``files`` (the stats of ``build``).
    """
    if manifest.is_file():
        stored = json.loads(manifest.read_text(encoding="utf-8"))
        present = {path.name for path in folder.glob("*.pdf")}
        if stored["key"] == key and present == set(stored["files"]):
            return stored
    start = time.perf_counter()
    files = build()
    stored = {"key": key, "seconds": time.perf_counter() - start, "files": files}
    manifest.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
    print(
        f"built {len(files)} PDFs, {sum(f['pages'] for f in files.values()):,} pages, "
        f"in {stored['seconds']:.1f} s -> {folder}"
    )
    return stored


def corpus() -> dict[str, object]:
    """The generated corpus's manifest (see ``cached_corpus``)."""
    return cached_corpus(CORPUS, MANIFEST, _corpus_key(), build_corpus)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Run ``command`` to success: its wall-clock and CPU seconds, peak memory (MB) and output.

    CPU time and the peak count the process and the children it waited for
    (``wait4``), such as ingest's reading children; the peak is the largest
    resident set of any one of them.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited with {process.returncode}:\n{err.read().decode()}"
            )
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, cpu, usage.ru_maxrss / 1024, out.read().decode()


def ingest_command(folder: Path, db: Path, checkout: Path | None = None) -> list[str]:
    """``defcode ingest FOLDER --db DB --quiet``, of this checkout or of ``checkout``."""
    arguments = ["ingest", str(folder), "--db", str(db), "--quiet"]
    if checkout is None:
        return [str(DEFCODE), *arguments]
    # PYTHONPATH (see main) puts the other checkout's packages before this one's; -P
    # keeps the working folder (this checkout, when run from it) from going first.
    command = "from analysis.cli import console; console()"
    return [sys.executable, "-P", "-c", command, *arguments]


def main(
    folder: Path | None = None,
    *,
    against: Path | None = None,
    target: float = 1.5,
    rounds: int = REPEAT,
) -> None:
    """Time the processes on ``folder`` (the generated corpus when None) and print the table.

    Each of ``rounds`` rounds runs the bare loop and ``defcode ingest`` into a
    fresh database one after the other (and, given ``against``, ``defcode
    ingest`` of that other checkout of defcode), so that the ratios of a round
    are measured side by side; a first round warms the OS file cache and is not
    counted. The ratio of each round is paired: on a machine whose speed drifts,
    their median says more than the best times.
    """
    if folder is None:
        folder = CORPUS
        manifest = corpus()
        pages = sum(f["pages"] for f in manifest["files"].values())
    else:
        pages = None
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        commands = {
            "bare pypdfium2 loop": ([sys.executable, "-c", BARE_LOOP, str(folder)], None),
            "defcode ingest": (ingest_command(folder, db), None),
        }
        if against is not None:
            env = os.environ | {"PYTHONPATH": str(against.resolve())}
            commands[f"ingest of {against}"] = (ingest_command(folder, db, against), env)
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for round_ in range(rounds + 1):
            for name, (command, env) in commands.items():
                db.unlink(missing_ok=True)
                seconds, cpu, peak, out = timed(command, env)
                if name.startswith("bare"):
                    if pages is not None and int(out) != pages:
                        raise RuntimeError(f"bare loop read {out.strip()} pages, expected {pages}")
                    pages = int(out)
                if round_ > 0:
                    runs[name].append((seconds, cpu, peak))

    files = sum(1 for _ in folder.rglob("*.pdf"))
    print(
        f"\n{files} PDFs in {folder}, {pages:,} pages; whole processes side by side, "
        f"{rounds} rounds after a warm-up; {os.cpu_count()} CPUs"
    )
    print(f"{'':34s} {'best s':>7s} {'range s':>12s} {'pages/s':>8s} {'CPU s':>6s} {'peak MB':>8s}")
    for name, timings in runs.items():
        seconds = [s for s, _, _ in timings]
        print(
            f"{name[:34]:34s} {min(seconds):7.2f} {min(seconds):5.2f}-{max(seconds):<6.2f} "
            f"{pages / min(seconds):8.0f} {min(c for _, c, _ in timings):6.1f} "
            f"{max(p for _, _, p in timings):8.0f}"
        )
    bare = [s for s, _, _ in runs["bare pypdfium2 loop"]]
    for name in list(runs)[1:]:
        ratios = [s / b for (s, _, _), b in zip(runs[name], bare, strict=True)]
        best = min(s for s, _, _ in runs[name]) / min(bare)
        verdict = "ok" if best <= target else "over target"
        print(
            f"{name} / bare: {best:.2f}x best to best, {min(ratios):.2f}-{max(ratios):.2f}x "
            f"by round, median {statistics.median(ratios):.2f}x (target <= {target}x: {verdict})"
        )


def arguments(folder: bool = True) -> argparse.Namespace:
    """The command line of a bench script: ``[FOLDER] [--against CHECKOUT] [--rounds N]``."""
    parser = argparse.ArgumentParser(description=(sys.modules["__main__"].__doc__ or "")[:80])
    if folder:
        parser.add_argument("folder", nargs="?", type=Path, help="PDFs to time instead")
    add_options(parser)
    return parser.parse_args()


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options every ingest bench takes: ``--against CHECKOUT`` and ``--rounds N``."""
    parser.add_argument("--against", type=Path, help="another defcode checkout to time too")
    parser.add_argument("--rounds", type=int, default=REPEAT, help="rounds timed after a warm-up")


if __name__ == "__main__":
    args = arguments()
    main(args.folder, against=args.against, rounds=args.rounds)
