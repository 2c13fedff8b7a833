"""LaTeX for tables: booktabs via pandas ``Styler.to_latex``, citations via natbib.

Every cell is escaped, so that text is typeset as it is written and no LaTeX
command inside a cell runs. Characters pdflatex cannot set with the preamble's
fonts are typeset another way: Greek letters and common mathematical symbols
in math mode, anything else (emoji, CJK, ...) as a visible ``[U+1F680]``.
Control characters and line separators become spaces or are dropped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from analysis.tables import Table
from corpus.files import make_folder

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

# Beyond ASCII, the characters pdflatex sets with PREAMBLE (LaTeX's UTF-8 tables for the T1,
# TS1, OT1 and OMS encodings): those the base .dfu files declare that compiled there with
# TeX Live 2022 (Debian 12). The latex tests compile every one of them.
SETTABLE = (
    "00A0-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E 0192 01C4-01D4 01E2-01E3 "
    "01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 0237 02C6-02C7 02D8-02D9 02DB-02DD 0E3F "
    "1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 "
    "1E9E 1EF2-1EF3 200C 2010-2016 2018-201A 201C-201E 2020-2022 2026 2030-2031 2039-203B "
    "203D 2044 204E 2052 20A1 20A4 20A6 20A9 20AB-20AC 20B1 2103 2116-2117 211E 2120 2122 "
    "2126-2127 212E 2190-2193 2329-232A 2422-2423 25E6 25EF 266A 27E8-27E9 3008-3009 "
    "FB00-FB06 FEFF"
)
_SPANS = [(first, last or first) for first, _, last in (s.partition("-") for s in SETTABLE.split())]
_UNSETTABLE_RE = re.compile(
    r"[^\x00-\x7f" + "".join(rf"\U{int(a, 16):08x}-\U{int(b, 16):08x}" for a, b in _SPANS) + "]+"
)
# Line and paragraph separators become spaces: a blank line would end a cell or caption.
_SPACES = "\t\n\v\f\r\x85\u2028\u2029"
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Greek letters in math mode (capitals that look Latin as upright Latin letters).
_GREEK = {
    "\u0391": "\\mathrm{A}", "\u0392": "\\mathrm{B}", "\u0393": "\\Gamma", "\u0394": "\\Delta",
    "\u0395": "\\mathrm{E}", "\u0396": "\\mathrm{Z}", "\u0397": "\\mathrm{H}", "\u0398": "\\Theta",
    "\u0399": "\\mathrm{I}", "\u039a": "\\mathrm{K}", "\u039b": "\\Lambda", "\u039c": "\\mathrm{M}",
    "\u039d": "\\mathrm{N}", "\u039e": "\\Xi", "\u039f": "\\mathrm{O}", "\u03a0": "\\Pi",
    "\u03a1": "\\mathrm{P}", "\u03a3": "\\Sigma", "\u03a4": "\\mathrm{T}", "\u03a5": "\\Upsilon",
    "\u03a6": "\\Phi", "\u03a7": "\\mathrm{X}", "\u03a8": "\\Psi", "\u03a9": "\\Omega",
    "\u03b1": "\\alpha", "\u03b2": "\\beta", "\u03b3": "\\gamma", "\u03b4": "\\delta",
    "\u03b5": "\\varepsilon", "\u03b6": "\\zeta", "\u03b7": "\\eta", "\u03b8": "\\theta",
    "\u03b9": "\\iota", "\u03ba": "\\kappa", "\u03bb": "\\lambda", "\u03bc": "\\mu",
    "\u03bd": "\\nu", "\u03be": "\\xi", "\u03bf": "o", "\u03c0": "\\pi", "\u03c1": "\\rho",
    "\u03c2": "\\varsigma", "\u03c3": "\\sigma", "\u03c4": "\\tau", "\u03c5": "\\upsilon",
    "\u03c6": "\\varphi", "\u03c7": "\\chi", "\u03c8": "\\psi", "\u03c9": "\\omega",
    "\u03d1": "\\vartheta", "\u03d5": "\\phi", "\u03d6": "\\varpi", "\u03f1": "\\varrho",
    "\u03f5": "\\epsilon",
}  # fmt: skip
# Mathematical symbols of plain LaTeX, for the characters that name them.
_MATH = _GREEK | {
    "\u2032": "\\prime", "\u2200": "\\forall", "\u2202": "\\partial", "\u2203": "\\exists",
    "\u2205": "\\emptyset", "\u2207": "\\nabla", "\u2208": "\\in", "\u2209": "\\notin",
    "\u2211": "\\sum", "\u2212": "-", "\u2213": "\\mp", "\u2217": "\\ast", "\u2218": "\\circ",
    "\u2219": "\\bullet", "\u221a": "\\surd", "\u221d": "\\propto", "\u221e": "\\infty",
    "\u2227": "\\wedge", "\u2228": "\\vee", "\u2229": "\\cap", "\u222a": "\\cup", "\u222b": "\\int",
    "\u223c": "\\sim", "\u2243": "\\simeq", "\u2245": "\\cong", "\u2248": "\\approx",
    "\u2260": "\\neq", "\u2261": "\\equiv", "\u2264": "\\leq", "\u2265": "\\geq", "\u226a": "\\ll",
    "\u226b": "\\gg", "\u2282": "\\subset", "\u2283": "\\supset", "\u2286": "\\subseteq",
    "\u2287": "\\supseteq", "\u2295": "\\oplus", "\u2297": "\\otimes", "\u22a5": "\\perp",
    "\u22c5": "\\cdot", "\u2194": "\\leftrightarrow", "\u21d0": "\\Leftarrow",
    "\u21d2": "\\Rightarrow", "\u21d4": "\\Leftrightarrow", "\u220f": "\\prod",
}  # fmt: skip
# Combining accents over a Greek letter (NFD): "\u03ac" is \acute{\alpha}.
_ACCENTS = {
    "\u0300": "\\grave", "\u0301": "\\acute", "\u0304": "\\bar", "\u0306": "\\breve",
    "\u0308": "\\ddot", "\u0342": "\\tilde",
}  # fmt: skip

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
\usepackage[hidelinks]{hyperref}
"""


def escape_latex(text: str) -> str:
    """Escape ``text`` so that LaTeX prints it literally.

    Besides LaTeX's special characters, quotes, ``<>|`` and runs of hyphens or commas
    are written so that no ligature or font encoding changes them. The text is
    put in Unicode's composed form (NFC); tabs, line breaks and line or
    paragraph separators become spaces, and other control characters are
    dropped. A character pdflatex cannot set (not in :data:`SETTABLE`) is set
    in math mode if it is a Greek letter or a mathematical symbol, dropped if
    it is an invisible format character (such as a zero-width joiner or a
    variation selector), and shown as ``[U+XXXX]`` otherwise.

    >>> print(escape_latex(r"100% & \\input{x} -- it's"))
    100\\% \\& \\textbackslash{}input\\{x\\} -{}- it\\textquotesingle{}s
    >>> print(escape_latex("\\u03b1-helix \\u2264 2\\u2028\\U0001f680"))
    \\ensuremath{\\alpha}-helix \\ensuremath{\\leq} 2 [U+1F680]\\allowbreak{}
    """
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub(lambda m: " " if m.group() in _SPACES else "", text)
    text = _SPECIAL_RE.sub(lambda m: m.group() + "{}" if m.group(1) else _SPECIAL[m.group()], text)
    return _UNSETTABLE_RE.sub(_fallback, text)


def _fallback(match: re.Match[str]) -> str:
    """LaTeX for a run of characters pdflatex cannot set: math, nothing or ``[U+XXXX]``."""
    parts, math = [], []
    for char in match.group():
        symbol = _math_symbol(char)
        if symbol is not None:
            math.append(symbol)
            continue
        if math:
            parts.append("\\ensuremath{" + " ".join(math) + "}")
            math = []
        if not _invisible(char):
            parts.append(f"[U+{ord(char):04X}]\\allowbreak{{}}")
    if math:
        parts.append("\\ensuremath{" + " ".join(math) + "}")
    return "".join(parts)


def _math_symbol(char: str) -> str | None:
    """Math-mode LaTeX for a Greek letter (accented ones too) or symbol, else None."""
    if char in _MATH:
        return _MATH[char]
    base, *marks = unicodedata.normalize("NFD", char)
    if base not in _GREEK or not marks or any(mark not in _ACCENTS for mark in marks):
        return None
    symbol = _GREEK[base]
    for mark in marks:
        symbol = f"{_ACCENTS[mark]}{{{symbol}}}"
    return symbol


def _invisible(char: str) -> bool:
    """Whether ``char`` is a format character or variation selector, which shows nothing."""
    return unicodedata.category(char) == "Cf" or "VARIATION SELECTOR" in unicodedata.name(char, "")


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
        # The authors and year as the table prints them (as in its CSV and Markdown), not
        # as the .bib has them, cited under that text: natbib's alias of the row's key.
        display[table.headers["authors"]] = [
            rf"\defcitealias{{{key}}}{{{escape_latex(shown)}}}\citetalias{{{key}}}"
            if isinstance(key, str) and key
            else escape_latex(shown)
            for key, shown in zip(
                table.data[table.cite], display[table.headers["authors"]], strict=True
            )
        ]
    long = len(display) > 10 if longtable is None else longtable
    column_format = "".join(
        rf">{{\raggedright\arraybackslash}}p{{{table.widths[c]}}}" if c in table.widths else "l"
        for c in table.headers
        if table.headers[c] in display.columns
    )
    styler = display.style.hide(axis="index").format(lambda value: escape_latex(str(value)))
    styler = styler.format_index(escape_latex, axis=1)
    if table.cite:
        styler = styler.format(str, subset=[table.headers["authors"]])
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


def compile_pdf(tex: str | Path, *, runs: int = 2, build: str | None = None) -> Path:
    """Build ``tex`` into a PDF with pdflatex and bibtex, in the file's folder.

    Shell escape is disabled, so nothing in the document can run a program.

    Parameters
    ----------
    tex : str or Path
        The ``.tex`` file.
    runs : int, default=2
        pdflatex runs after bibtex, to resolve citations and references; up to
        three more while LaTeX asks for a rerun.
    build : str, optional
        A subfolder of the file's folder, e.g. ``"build"``, for LaTeX's own
        files (``.aux``, ``.log``, ``.bbl``, ``.blg``, ``.out``); the PDF is
        moved beside ``tex``. By default they are all written beside it.

    Returns
    -------
    Path
        The PDF, beside ``tex``.

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
    job = tex.stem
    if build is not None:
        make_folder(tex.parent / build)
        latex.append(f"-output-directory={build}")
        job = f"{build}/{tex.stem}"  # bibtex, run beside tex, finds the .bib files named there
    made = tex.parent / f"{job}.pdf"
    _run([*latex, tex.name], tex)
    if "\\citation{" in (tex.parent / f"{job}.aux").read_text(errors="replace"):
        _run(["bibtex", job], tex, ok=(0, 1))  # 1: warnings only, kept in the .blg
    for _ in range(runs):
        _run([*latex, tex.name], tex)
    log = (tex.parent / f"{job}.log").read_text(errors="replace")
    # Floats that move can move labels once more, as latexmk knows; at most three more runs.
    for _ in range(3):
        if "Rerun to get" not in log:
            break
        _run([*latex, tex.name], tex)
        log = (tex.parent / f"{job}.log").read_text(errors="replace")
    undefined = re.findall(r"(?:Citation|Reference) `[^']*' on page \d+ undefined", log)
    if undefined:
        raise RuntimeError(f"{tex}: " + "; ".join(sorted(set(undefined))))
    return made.replace(tex.with_suffix(".pdf")) if build is not None else made


def _run(command: list[str], tex: Path, ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run(
        command, cwd=tex.parent, capture_output=True, text=True, errors="replace", check=False
    )
    if done.returncode not in ok:
        tail = "\n".join(done.stdout.splitlines()[-25:])
        raise RuntimeError(f"{tex}: {command[0]} failed ({done.returncode}):\n{tail}")
