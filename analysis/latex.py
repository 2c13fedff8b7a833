"""LaTeX for tables: booktabs via pandas ``Styler.to_latex``, citations via natbib.

Every cell is escaped, so that text is typeset as it is written and no LaTeX
command inside a cell runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from analysis.tables import Table

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
    '"': r"\textquotedbl{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# A hyphen or comma before another is split off with {}: "--" and ",," are ligatures.
_SPECIAL_RE = re.compile(r"([-,])(?=\1)|" + "|".join(re.escape(c) for c in _SPECIAL))

PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{textcomp}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{array}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage[round]{natbib}
"""


def escape_latex(text: str) -> str:
    """Escape ``text`` so that LaTeX prints it literally.

    Besides LaTeX's special characters, quotes, ``<>|`` and runs of hyphens or commas
    are written so that no ligature or font encoding changes them.

    >>> print(escape_latex(r"100% & \\input{x} -- it's"))
    100\\% \\& \\textbackslash{}input\\{x\\} -{}- it\\textquotesingle{}s
    """
    return _SPECIAL_RE.sub(lambda m: m.group() + "{}" if m.group(1) else _SPECIAL[m.group()], text)


def table_latex(table: Table, *, longtable: bool | None = None) -> str:
    """Render a table as a booktabs LaTeX fragment.

    Parameters
    ----------
    table : Table
        The table to render.
    longtable : bool, optional
        Use a ``longtable`` (breaks across pages) rather than a floating
        ``table``; by default, tables of more than ten rows are long.

    Returns
    -------
    str
        A ``table`` or ``longtable`` environment with caption and label
        ``tab:<name>``, and the table's note under it.
    """
    display = table.display()
    if table.cite:
        display[table.headers["authors"]] = table.data[table.cite].to_numpy()
    long = len(display) > 10 if longtable is None else longtable
    column_format = "".join(
        rf">{{\raggedright\arraybackslash}}p{{{table.widths[c]}}}" if c in table.widths else "l"
        for c in table.headers
        if table.headers[c] in display.columns
    )
    styler = display.style.hide(axis="index").format(lambda value: escape_latex(str(value)))
    styler = styler.format_index(escape_latex, axis=1)
    if table.cite:
        styler = styler.format(lambda key: rf"\citet{{{key}}}", subset=[table.headers["authors"]])
    latex = styler.to_latex(
        hrules=True,
        environment="longtable" if long else None,
        position=None if long else "htbp",
        caption=escape_latex(table.caption),
        label=f"tab:{table.name}",
        column_format=column_format,
    )
    if table.note:
        note = rf"\par\smallskip{{\footnotesize {escape_latex(table.note)}\par}}" + "\n"
        end = r"\end{longtable}" + "\n" if long else r"\end{table}"
        head, _, tail = latex.rpartition(end)
        latex = head + (end + note if long else note + end) + tail
    if table.small:
        size = "\\footnotesize\\setlength{\\tabcolsep}{3pt}\n"
        if long:
            latex = f"\\begingroup{size}{latex}\\endgroup\n"
        else:  # a float resets the font size, so the change goes inside it
            begin, _, rest = latex.partition("\n")
            latex = f"{begin}\n{size}{rest}"
    return latex


def latex_document(body: str, *, bibliography: str = "references") -> str:
    """Wrap LaTeX ``body`` in a document that compiles with pdflatex and bibtex.

    Parameters
    ----------
    body : str
        The document's content.
    bibliography : str, default="references"
        The ``.bib`` file's stem, looked up beside the document.

    Returns
    -------
    str
        A whole LaTeX document, with a natbib (plainnat) bibliography when the
        body cites anything.
    """
    bib = ""
    if r"\cite" in body:
        bib = f"\\bibliographystyle{{plainnat}}\n\\bibliography{{{bibliography}}}\n"
    return f"{PREAMBLE}\\begin{{document}}\n{body}\n{bib}\\end{{document}}\n"


def compile_pdf(tex: str | Path, *, runs: int = 2) -> Path:
    """Build ``tex`` into a PDF with pdflatex and bibtex, in the file's folder.

    Shell escape is disabled, so nothing in the document can run a program.

    Parameters
    ----------
    tex : str or Path
        The ``.tex`` file.
    runs : int, default=2
        pdflatex runs after bibtex, to resolve citations and references; up to
        three more while LaTeX asks for a rerun.

    Returns
    -------
    Path
        The PDF.

    Raises
    ------
    FileNotFoundError
        If pdflatex is not installed.
    RuntimeError
        If pdflatex or bibtex fails, or a citation or reference stays
        undefined; the message quotes the log.
    """
    tex = Path(tex)
    if shutil.which("pdflatex") is None:
        raise FileNotFoundError("pdflatex is not installed (Debian: texlive-latex-recommended)")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]
    _run([*latex, tex.name], tex)
    if "\\citation{" in tex.with_suffix(".aux").read_text(errors="replace"):
        _run(["bibtex", tex.stem], tex, ok=(0, 1))  # 1: warnings only, kept in the .blg
    for _ in range(runs):
        _run([*latex, tex.name], tex)
    log = tex.with_suffix(".log").read_text(errors="replace")
    # Floats that move can move labels once more, as latexmk knows; at most three more runs.
    for _ in range(3):
        if "Rerun to get" not in log:
            break
        _run([*latex, tex.name], tex)
        log = tex.with_suffix(".log").read_text(errors="replace")
    undefined = re.findall(r"(?:Citation|Reference) `[^']*' on page \d+ undefined", log)
    if undefined:
        raise RuntimeError(f"{tex}: " + "; ".join(sorted(set(undefined))))
    return tex.with_suffix(".pdf")


def _run(command: list[str], tex: Path, ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run(
        command, cwd=tex.parent, capture_output=True, text=True, errors="replace", check=False
    )
    if done.returncode not in ok:
        tail = "\n".join(done.stdout.splitlines()[-25:])
        raise RuntimeError(f"{tex}: {command[0]} failed ({done.returncode}):\n{tail}")
