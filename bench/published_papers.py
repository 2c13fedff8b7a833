"""`bench/ingest.py` on 60 published research papers: the vignettes of Debian's R packages.

Many R packages ship their papers as vignettes, several of them articles of
the Journal of Statistical Software or R News, typeset by their authors with
the journals' LaTeX classes: running text, displayed mathematics, code,
tables, plots and reference lists. Debian packages them prebuilt, so
``apt-get download`` fetches them from the Debian mirror without R (about
53 MB of packages, once). Documents of 3 to 59 pages are kept (this drops
hex stickers, single figures and a 98-page manual), and 60 of them are chosen
with a fixed seed so that they come closest to 1,000 pages. The PDFs are
cached in ``bench/.cache/published/``; the manifest records each one's
package, version, page count and SHA-256.

Then times the bare pypdfium2 loop and ``defcode ingest`` on them, as
``bench/ingest.py`` does on any folder (``--against CHECKOUT`` as there).

Run: .venv/bin/python bench/published_papers.py  (needs apt-get and dpkg-deb)
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import ingest  # bench/ingest.py: a script's own folder is on sys.path

FOLDER = ingest.CACHE / "published"
MANIFEST = ingest.CACHE / "published.json"
PACKAGES = [
    f"r-cran-{name}"
    for name in [
        "aer", "coin", "e1071", "effects", "flexmix", "forecast", "formula", "glmnet",
        "kernlab", "lme4", "lmtest", "matrix", "multcomp", "mvtnorm", "party", "partykit",
        "pscl", "quantreg", "rcpp", "rcpparmadillo", "robustbase", "sandwich", "sp",
        "strucchange", "survival", "tm", "vcd", "vegan", "xts", "zoo",
    ]
]  # fmt: skip
MIN_PAGES, MAX_PAGES = 3, 59
SEED = 0
TRIES = 20_000
KEY = {"packages": PACKAGES, "pages": [MIN_PAGES, MAX_PAGES], "seed": SEED, "generator": 1}


def _download(folder: Path) -> list[Path]:
    """The packages' ``.deb`` files, fetched into ``folder``."""
    try:
        command = ["apt-get", "download", *PACKAGES]
        subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        message = f"cannot fetch the R packages with apt-get download: {detail.strip()}"
        raise SystemExit(message) from exc
    return sorted(folder.glob("*.deb"))


def _papers(debs: list[Path], unpacked: Path) -> list[tuple[Path, str, str, int]]:
    """Each vignette PDF of the right length: its path, package, version and pages."""
    found = []
    for deb in debs:
        fields = subprocess.run(
            ["dpkg-deb", "--field", str(deb), "Package", "Version"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
        package, version = (line.split(": ", 1)[1] for line in fields[:2])
        target = unpacked / package
        target.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "--extract", str(deb), str(target)], check=True)
        for pdf in sorted(target.glob("usr/lib/R/site-library/*/doc/*.pdf")):
            pages = ingest.page_count(pdf)
            if MIN_PAGES <= pages <= MAX_PAGES:
                found.append((pdf, package, version, pages))
    return found


def _choose(papers: list[tuple[Path, str, str, int]]) -> list[tuple[Path, str, str, int]]:
    """``ingest.N_PAPERS`` papers whose pages come closest to ``ingest.TOTAL_PAGES``."""
    rng = random.Random(SEED)
    samples = (rng.sample(papers, ingest.N_PAPERS) for _ in range(TRIES))
    best = min(samples, key=lambda sample: abs(sum(p[3] for p in sample) - ingest.TOTAL_PAGES))
    return sorted(best, key=lambda p: (p[1], p[0].name))


def build() -> dict[str, dict[str, object]]:
    """Fetch the packages, choose the papers and copy them into :data:`FOLDER`."""
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    FOLDER.mkdir(parents=True)
    files: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        debs = _download(Path(tmp))
        for pdf, package, version, pages in _choose(_papers(debs, Path(tmp) / "unpacked")):
            name = f"{package.removeprefix('r-cran-')}--{pdf.name}"
            shutil.copyfile(pdf, FOLDER / name)
            digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
            files[name] = {"package": package, "version": version, "pages": pages, "sha256": digest}
    return files


def main() -> None:
    ingest.cached_corpus(FOLDER, MANIFEST, KEY, build)
    args = ingest.arguments(folder=False)
    ingest.main(FOLDER, against=args.against, rounds=args.rounds)


if __name__ == "__main__":
    main()
