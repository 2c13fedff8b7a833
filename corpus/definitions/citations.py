"""A definition read out of its frame, and the citation that credits it.

A candidate sentence frames a definition: quotation marks, a lead-in
("Porter (1998, p. 199) defines a cluster as"), a citation in one of the
styles papers use. :func:`frame` returns the definition without that frame
and the works the sentence credits for it:

- narrative: ``Porter (1998, p. 199) defines a cluster as "..."``,
  ``As Porter 1998: 199 put it, "..."``, ``According to Rosenfeld (1997), ...``;
- parenthetical: ``"..." (Porter, 1998, p. 199)``, ``(Oakey et al., 2001a)``,
  several works in one parenthesis, ``(see e.g. Porter, 1990, pp. 12-14)``;
- numbered: ``According to Porter [3], "..."``, ``... clusters [3, 5]``, ``[3-5]``;
- a table row: the author cell then the definition cell,
  ``Porter (1998) A cluster is a geographically proximate group ...``.

A definition the paper gives itself ("In this paper we define ...") and
credits to no one is ``self_stated``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Citation", "Framed", "frame"]

# --- The parts of a citation -------------------------------------------------------------

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_LETTER = r"[^\W\d_]"
#: A capitalised name: "Porter", "Håkansson", "McCann", "O'Brien", "Klein-Woolthuis".
_NAME = rf"[{_UPPER}]{_LETTER}*(?:['\u2019-]{_LETTER}+)*"
#: The lower-case (or sentence-initial) words that belong to a surname: "van den Berg", "Le Blanc".
_PARTICLE = r"(?:[vV][oa]n|vom|[dD]e[nrls]?|[dD]ella|[dD]ei|[dD][iau]|[lL][ae]|[tT]e[nr]|[dD]os)"
#: One person as cited: optional given names, particles, the surname ("Alfred Marshall").
_PERSON = rf"(?:{_NAME}\s+){{0,2}}(?:{_PARTICLE}\s+){{0,3}}{_NAME}"
_ET_AL = r"\s+et\.?\s+al\.?"
#: The last word of a body cited as an author: "European Commission (2008)", "(World Bank, 2009)".
_BODY = re.compile(
    r"(?:Commission|Bank|Organi[sz]ation|Council|Office|Agency|Institute|Association|Department|"
    r"Ministry|Union|Nations|Forum|Foundation|Cent(?:re|er)|Board|Authority|Committee|Bureau|"
    r"Fund|Programme|Program|Secretariat|Parliament|Government|Society|Academy)"
)
_AUTHORS = (
    rf"{_PERSON}(?:\s*,\s*{_PERSON}){{0,9}}(?:\s*,?\s*(?:and|&)\s+{_PERSON})?"
    rf"(?:{_ET_AL})?(?:['\u2019]s?)?"
)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?|n\.\s?d\."
_YEARS = rf"(?:{_YEAR})(?:\s*,\s*(?:{_YEAR})\b)*"
_PAGE = r"(?:pp?\.\s*|page\s+)?(?:\d+|[ivxlc]+\b)(?:\s*[-\u2013\u2014]\s*\d+)?"

#: "Porter (1998, p. 199)", "Osterwalder and Pigneur (2010, p. 14)", "Porter's (1998)".
_NARRATIVE = re.compile(
    rf"(?P<authors>{_AUTHORS})\s*\((?P<years>{_YEARS})(?:\s*[,:]\s*(?P<page>{_PAGE}))?\)"
)
#: "As Porter 1998: 199 put it", "according to Porter 1998": the year outside parentheses.
_BARE = re.compile(
    rf"\b(?:[Aa]s|[Aa]ccording to|[Ff]ollowing|[Aa]fter)\s+(?P<authors>{_AUTHORS})\s+"
    rf"(?P<years>{_YEAR})\b(?:\s*:\s*(?P<page>{_PAGE}))?"
)
#: Any parenthesis holding a year: its works are read part by part.
_PARENTHESIS = re.compile(rf"\((?P<body>[^()]*?\b(?:{_YEAR})\b[^()]*)\)")
#: One work inside a parenthesis: "Porter, 1998, p. 199", "Porter 1998: 199", "Oakey et al., 2001a".
_WORK = re.compile(
    rf"^(?P<authors>{_AUTHORS})\s*,?\s*(?P<years>{_YEARS})(?:\s*[,:]\s*(?P<page>{_PAGE}))?"
    r"(?:\s*,.*)?$"
)
#: What may come before a work in a parenthesis; "see also" marks a work not credited first.
_PREFIX = re.compile(
    r"^(?:(?P<aside>see\s+also|cf\.|compare)|see|e\.\s?g\.|for\s+example|i\.\s?e\.|"
    r"(?:as\s+)?(?:cited|quoted)\s+in|also|in)[\s,:]*",
    re.IGNORECASE,
)
#: "(Porter, 1998, as cited in Smith, 2005)": the original first, the quoting work after.
_CITED_IN = re.compile(r"\s*,?\s*(?:as\s+)?(?:cited|quoted)\s+(?:in|by)\s+", re.IGNORECASE)
#: "(p. 199)" after a quote whose source was named before it.
_PAGE_ONLY = re.compile(rf"\((?:pp?\.|page)\s*(?P<page>{_PAGE})\)")
#: "[3]", "[3, 5]", "[3-5]", "[3, p. 199]", with the names before it where there are any.
_NUMBERED = re.compile(
    rf"(?:(?P<authors>{_AUTHORS})\s*)?\[(?P<numbers>\d{{1,4}}(?:\s*[,;\u2013-]\s*\d{{1,4}})*)"
    rf"(?:\s*,\s*(?P<page>{_PAGE}))?\]"
)
#: A table row: the author cell, then the definition cell starting with a capital or a quote.
_ROW = re.compile(
    rf"^(?P<authors>{_AUTHORS})\s*\((?P<years>{_YEAR})\)\s+(?=[{_UPPER}\"\u201c\u2018'])"
)

# --- The frame around a definition -------------------------------------------------------

#: Verbs a source is credited with: "Porter (1998) defines", "Magretta (2002) noted".
_REPORTING = (
    r"(?:defin|describ|characteri[sz]|conceptuali[sz]|conceiv|view|regard|understand|perceiv|"
    r"treat|state|note|argu|suggest|claim|writ|wrote|explain|propos|maintain|assert|observ|"
    r"contend|posit|call|consider|see|saw|refer|put|point|highlight|emphasi[sz]|stress|"
    r"summari[sz]|offer|give|gave|provid|use|employ|identif|stipulat|specif|hold|held|"
    r"recogni[sz]|label|portray|depict|present|interpret|mean)\w*"
)
#: After a narrative citation: ", in his book, defines a cluster as", "state that", "put it,".
_AFTER_CITATION = re.compile(
    rf"^\s*,?\s*(?:(?:also|further|similarly|famously|\w+ly)\s+)?"
    rf"(?:(?:has|have|had|is|are|was|were)\s+)?{_REPORTING}"
    r"(?:\s+(?:it|this|that|them)\s*,|(?P<object>(?:\s+[^\s.;:\"\u201c\u201d\u2018\u2019]+){0,8}?)\s+"
    r"(?:as\s+follows\s*:|as\s*:?|that|to\s+(?:be|mean)|:))\s*"
)
#: "According to X (1997), ...", "As X (1998) put it, ...", "Following X (2001), ...".
_BEFORE_CITATION = re.compile(
    r"(?:^|[,;:]\s*)(?:[Aa]ccording\s+to|[Aa]s|[Ff]ollowing|[Aa]fter|[Ff]or|[Ii]n\s+the\s+words\s+of)"
    r"(?:\s+the)?\s*$"
)
#: "clusters are defined by Porter (1998) as ...".
_BY_CITATION = re.compile(r"\bby\s*$")
_AS_AFTER = re.compile(r"^\s*,?\s*(?:as\s*:?|:)\s*")
#: A lead-in that ends in a colon: "by defining clusters as: A geographically ...".
_COLON_LEAD = re.compile(
    r"^.*?\b(?:as|follows|definition|defined|definitions?\s+(?:is|reads))\s*:\s*(?=\S)",
    re.IGNORECASE,
)
#: The paper speaking for itself: "In this paper we define ...", "Here, clusters are understood as".
_SELF = re.compile(
    r"^(?:.{0,80}?\b)?(?:we|I)\s+(?:(?:\w+ly|will|shall|here|therefore|thus)\s+)*"
    r"(?:define|understand|use|conceptuali[sz]e|refer\s+to|take|treat|see|view|regard|"
    r"consider|adopt|employ)\b"
    r"(?P<object>(?:\s+[^\s.;:\"\u201c\u201d]+){0,8}?)\s+(?:as\s*:?|to\s+(?:be|mean)|:)\s*"
    r"|^(?:Here|In\s+this\s+(?:paper|article|study|chapter|review|work|report|thesis)|"
    r"Throughout\s+this\s+\w+|For\s+(?:the\s+purposes?\s+of\s+)?this\s+\w+)\s*,?\s*"
    r"(?P<subject>(?:[^\s.;:\"\u201c\u201d]+\s+){0,8}?)(?:is|are)\s+(?:\w+ly\s+)?"
    r"(?:defined|understood|used|taken|seen|viewed|conceptuali[sz]ed|treated|referred\s+to)\s+"
    r"(?:as\s*:?|to\s+(?:mean|refer\s+to))\s*"
    r"|^(?:Here|In\s+this\s+(?:paper|article|study|chapter|review|work|report|thesis))\s*,?\s*"
    r"(?:[^\s.;:\"\u201c\u201d]+\s+){0,8}?(?:refers?\s+to|means?)\s+",
    re.IGNORECASE,
)

# --- Quotation marks ---------------------------------------------------------------------

_CLOSERS = {
    "\u201c": '\u201d"',
    "\u201e": '\u201c\u201d"',
    "\u00ab": "\u00bb",
    '"': '"\u201d',
    "\u2018": "\u2019'",
    "'": "'\u2019",
}
#: An opening mark: at the start, or after a space or an opening bracket or colon.
_OPENING = re.compile(r"(?:^|(?<=[\s(\[:\u2014\u2013-]))([\u201c\u201e\u00ab\"\u2018'])(?=\S)")
#: Fewer words than this in quotation marks is a term or a phrase, not a quoted definition.
_MIN_QUOTED_WORDS = 4
#: A citation this close after the closing mark is the quote's own.
_ATTACHED = 40


@dataclass(frozen=True)
class Citation:
    """A work a sentence cites, as the sentence gives it.

    Parameters
    ----------
    authors : tuple of str
        Surnames as printed, e.g. ``("Porter",)``, ``("Crouch", "Farrell")``,
        ``("Oakey",)`` for "Oakey et al."; ``()`` for a bare reference number.
    year : str
        ``"1998"``, ``"2001a"``; ``""`` when none is given (numbered style).
    page : str
        ``"199"``, ``"199-200"``; ``""`` when not given.
    style : str
        ``"narrative"``, ``"parenthetical"``, ``"numbered"`` or ``"row"``.
    number : str
        The reference number of a numbered citation (``"3"``).
    et_al : bool
        The authors end in "et al.".
    """

    authors: tuple[str, ...]
    year: str
    page: str = ""
    style: str = "parenthetical"
    number: str = ""
    et_al: bool = False

    @property
    def first_author(self) -> str:
        """The first surname, or ``""`` when the citation names no one."""
        return self.authors[0] if self.authors else ""


@dataclass(frozen=True)
class Framed:
    """A definition without its frame, and the works credited for it.

    Parameters
    ----------
    text : str
        The definition without quotation marks, lead-in and citation; white
        space collapsed.
    quoted : bool
        The definition was in quotation marks.
    citations : tuple of Citation
        The works credited for this definition, most specific first; ``()``
        when none.
    self_stated : bool
        The paper gives the definition itself ("In this paper we define ...")
        and cites no one for it.
    """

    text: str
    quoted: bool
    citations: tuple[Citation, ...]
    self_stated: bool


@dataclass(frozen=True)
class _Found:
    """A citation and where it stands in the sentence."""

    start: int
    end: int
    works: tuple[Citation, ...]
    asides: int = 0  # how many of ``works``, at the end, are "see also" works
    names: int = 0  # where the names a sentence reads as words end ("Porter" of "Porter (1998)")


def frame(sentence: str) -> Framed:
    """Read a definition out of its sentence, with the citation that credits it.

    Parameters
    ----------
    sentence : str
        A candidate sentence, or a table row (author cell, then definition cell).

    Returns
    -------
    Framed
        The definition's text without quotation marks, lead-in and citation,
        whether it was quoted, the works credited for it (most specific
        first: a work given with a page before one without, "see also" works
        last), and whether the paper states it itself.

    Examples
    --------
    >>> framed = frame('Porter (1998, p. 199) defines a cluster as "a geographically '
    ...                'proximate group of interconnected companies".')
    >>> framed.text, framed.quoted
    ('a geographically proximate group of interconnected companies', True)
    >>> cited = framed.citations[0]
    >>> cited.authors, cited.year, cited.page, cited.style
    (('Porter',), '1998', '199', 'narrative')
    >>> cited = frame("Clusters are groups of firms (Oakey et al., 2001a; Porter, 1998).").citations
    >>> [(c.first_author, c.year, c.et_al) for c in cited]
    [('Oakey', '2001a', True), ('Porter', '1998', False)]
    >>> frame("In this paper we define a cluster as a group of firms.").self_stated
    True
    """
    sentence = " ".join(sentence.split())
    row = _ROW.match(sentence)
    if row:
        authors, et_al = _surnames(row["authors"])
        cited = Citation(authors, row["years"], style="row", et_al=et_al)
        return Framed(_tidy(sentence[row.end() :]), False, (cited,), False)
    found = _citations(sentence)
    quote = _longest_quote(sentence)
    if quote:
        start, end, inner_start, inner_end = quote
        credited = _credited_for_quote(sentence, found, start, end, inner_start)
        text = _without(sentence, found, inner_start, inner_end)
    else:
        text, credited = _unquoted(sentence, found)
    self_stated = not credited and bool(_SELF.search(sentence))
    if self_stated and not quote:
        lead = _SELF.search(sentence)
        text = _without(sentence, found, lead.end(), len(sentence))
    return Framed(_tidy(text), quote is not None, credited, self_stated)


# --- Finding citations -------------------------------------------------------------------


def _citations(sentence: str) -> list[_Found]:
    """Every citation in the sentence, in order, a parenthesis inside a narrative one dropped."""
    found = [_narrative(m) for m in _NARRATIVE.finditer(sentence)]
    found += [_narrative(m, start=m.start("authors")) for m in _BARE.finditer(sentence)]
    for match in _PARENTHESIS.finditer(sentence):
        works, asides = _parenthesis(match["body"])
        if works:
            found.append(_Found(match.start(), match.end(), works, asides))
    found += [_numbered(sentence, m) for m in _NUMBERED.finditer(sentence)]
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[_Found] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def _narrative(match: re.Match, start: int | None = None) -> _Found:
    authors, et_al = _surnames(match["authors"])
    page = _page(match["page"])
    works = tuple(
        Citation(authors, year, page if i == 0 else "", "narrative", et_al=et_al)
        for i, year in enumerate(_split_years(match["years"]))
    )
    start = match.start() if start is None else start
    return _Found(start, match.end(), works, names=match.end("authors"))


def _parenthesis(body: str) -> tuple[tuple[Citation, ...], int]:
    """The works of a parenthesis, most specific first, and how many are asides."""
    credited: list[Citation] = []
    asides: list[Citation] = []
    for part in re.split(r"\s*;\s*", body.strip()):
        aside = False
        prefix = _PREFIX.match(part)
        while prefix and prefix.end():
            aside = aside or bool(prefix["aside"])
            part = part[prefix.end() :]
            prefix = _PREFIX.match(part)
        for piece in _CITED_IN.split(part):
            work = _WORK.match(piece.strip())
            if not work:
                continue
            authors, et_al = _surnames(work["authors"])
            page = _page(work["page"])
            for i, year in enumerate(_split_years(work["years"])):
                cited = Citation(authors, year, page if i == 0 else "", et_al=et_al)
                (asides if aside else credited).append(cited)
    # A work given with its page is the one quoted; otherwise the first printed.
    credited.sort(key=lambda c: not c.page)
    return tuple(credited + asides), len(asides)


def _numbered(sentence: str, match: re.Match) -> _Found:
    numbers = _numbers(match["numbers"])
    authors: tuple[str, ...] = ()
    et_al = False
    start = names = match.start("numbers") - 1
    if match["authors"] and _names_a_source(sentence, match):
        authors, et_al = _surnames(match["authors"])
        start, names = match.start(), match.end("authors")
    page = _page(match["page"])
    works = tuple(
        Citation(authors, "", page, "numbered", number, et_al=et_al) for number in numbers
    )
    return _Found(start, match.end(), works, names=names)


def _names_a_source(sentence: str, match: re.Match) -> bool:
    """The capitalised words before "[3]" name its source: "According to Porter [3]"."""
    before = sentence[: match.start()]
    after = sentence[match.end() :]
    return bool(
        re.search(r"\b(?:[Aa]ccording\s+to|[Aa]s|[Ff]ollowing|[Aa]fter|by|see|cf\.)\s*$", before)
        or re.match(rf"^\s*,?\s*(?:\w+ly\s+)?(?:(?:has|have|had)\s+)?{_REPORTING}", after)
    )


def _numbers(text: str) -> list[str]:
    """ "3, 5" -> 3, 5; "3-5" -> 3, 4, 5 (a range of at most 50)."""
    numbers: list[str] = []
    for part in re.split(r"\s*[,;]\s*", text):
        ends = re.split(r"\s*[\u2013-]\s*", part)
        low, high = int(ends[0]), int(ends[-1])
        span = range(low, high + 1) if 0 <= high - low <= 50 else [low, high]
        numbers += [str(n) for n in span]
    return numbers


def _surnames(text: str) -> tuple[tuple[str, ...], bool]:
    """The surnames in an author string, and whether it ends in "et al."."""
    et_al = re.search(_ET_AL + r"\s*$", text) is not None
    text = re.sub(_ET_AL, "", text)
    text = re.sub(r"['\u2019]s?$", "", text.strip())
    names = []
    for person in re.split(r"\s*(?:,|&|\band\b)\s*", text):
        words = person.split()
        if words:
            names.append(_surname(words))
    return tuple(names), et_al


def _surname(words: list[str]) -> str:
    """The name a person's or a body's words, given names first, are cited by.

    A person's is the last name and the particles just before it ("Leo van
    den Berg" -> "van den Berg"); a body keeps its whole name ("The European
    Commission" -> "European Commission").
    """
    if len(words) > 1 and _BODY.fullmatch(words[-1]):
        return " ".join(words[1:] if words[0] == "The" else words)
    first = len(words) - 1
    while first > 0 and re.fullmatch(_PARTICLE, words[first - 1]):
        first -= 1
    return " ".join(words[first:])


def _split_years(text: str) -> list[str]:
    return [re.sub(r"\s", "", y) for y in re.split(r"\s*,\s*", text.strip())]


def _page(text: str | None) -> str:
    if not text:
        return ""
    page = re.sub(r"^(?:pp?\.|page)\s*", "", text.strip())
    return re.sub(r"\s*[-\u2013\u2014]\s*", "-", page)


# --- Reading the definition out of its frame ---------------------------------------------


def _longest_quote(sentence: str) -> tuple[int, int, int, int] | None:
    """The longest quotation of at least a few words: (start, end, inner start, inner end).

    A quote that does not close runs to the end of the sentence, and one whose
    opening mark the sentence lacks runs from its start. Double marks are
    looked for first, single ones only where no double quote is long enough.
    """
    for marks in ('\u201c\u201e\u00ab"', "\u2018'"):
        best = None
        at = 0
        while True:
            opening = _OPENING.search(sentence, at)
            while opening and opening[1] not in marks:
                opening = _OPENING.search(sentence, opening.end())
            if not opening:
                break
            inner_start = opening.end()
            closing = _closing(sentence, inner_start, _CLOSERS[opening[1]])
            inner_end = closing if closing is not None else len(sentence)
            end = inner_end + 1 if closing is not None else inner_end
            words = len(sentence[inner_start:inner_end].split())
            if words >= _MIN_QUOTED_WORDS and (best is None or words > best[0]):
                best = (words, (opening.start(1), end, inner_start, inner_end))
            at = end if end > inner_start else inner_start
        if best:
            return best[1]
    # A quote whose opening mark began an earlier sentence: from the start to its closing mark.
    closing = _closing(sentence, 0, '\u201d\u00bb"')
    if closing is not None and len(sentence[:closing].split()) >= _MIN_QUOTED_WORDS:
        return 0, closing + 1, 0, closing
    return None


def _closing(sentence: str, start: int, closers: str) -> int | None:
    """Where the quote opened before ``start`` closes: a closing mark not inside a word."""
    for at in range(start, len(sentence)):
        if sentence[at] in closers:
            after = sentence[at + 1 : at + 2]
            if not after or not after.isalnum():
                return at
    return None


def _credited_for_quote(
    sentence: str, found: list[_Found], start: int, end: int, inner_start: int
) -> tuple[Citation, ...]:
    """The quote's own citation: right after it, else a narrative one leading up to it."""
    closed = end > 0 and sentence[end - 1 : end] in "\u201d\"\u00bb\u2019'"
    after = [
        f
        for f in found
        if (f.start >= end and f.start - end <= _ATTACHED)
        or (not closed and f.start >= inner_start)
    ]
    before = [f for f in found if f.end <= start]
    page = _PAGE_ONLY.search(sentence, end)
    own = [f for f in after if f.works[0].authors and len(f.works) > f.asides]
    if own or (after and not before):
        return (own or after)[0].works
    if before:
        works = before[-1].works
        if page and page.start() - end <= _ATTACHED and not works[0].page:
            works = (_with_page(works[0], _page(page["page"])), *works[1:])
        # A number-only "[3]" after the quote adds its number to a name before it.
        if after and not works[0].number and after[0].works[0].number:
            number = after[0].works[0].number
            works = (
                Citation(
                    works[0].authors,
                    works[0].year,
                    works[0].page,
                    "numbered",
                    number,
                    works[0].et_al,
                ),
                *works[1:],
            )
        return works
    return tuple(c for f in found for c in f.works)


def _unquoted(sentence: str, found: list[_Found]) -> tuple[str, tuple[Citation, ...]]:
    """The text after a lead-in that credits a source, and what the sentence credits."""
    for f in found:
        before, after = sentence[: f.start], sentence[f.end :]
        lead = _AFTER_CITATION.match(after)
        if not lead and _BY_CITATION.search(before):
            lead = _AS_AFTER.match(after)
        elif not lead and _BEFORE_CITATION.search(before):
            lead = re.match(r"^[^,]{0,40},\s*", after)
        if lead:
            credited = _chained(sentence, found, f)
            page = _PAGE_ONLY.search(sentence, f.end)
            if page and not credited[0].page:
                credited = (_with_page(credited[0], _page(page["page"])), *credited[1:])
            return _without(sentence, found, f.end + lead.end(), len(sentence)), credited
    colon = _COLON_LEAD.match(sentence)
    start = colon.end() if colon else 0
    # The work closing the sentence is the one its definition rests on.
    groups = [f for f in found if len(f.works) > f.asides] or found
    credited = groups[-1].works if groups else ()
    return _without(sentence, found, start, len(sentence)), credited


def _chained(sentence: str, found: list[_Found], lead: _Found) -> tuple[Citation, ...]:
    """The lead-in's works and those joined to it: "Marshall (1930) and Porter (1998) see"."""
    at = found.index(lead)
    chain = [lead]
    while at > 0 and re.fullmatch(
        r"\s*(?:,|;|and|&|,\s*and)\s*", sentence[found[at - 1].end : chain[0].start]
    ):
        at -= 1
        chain.insert(0, found[at])
    return tuple(c for f in chain for c in f.works)


def _with_page(cited: Citation, page: str) -> Citation:
    return Citation(cited.authors, cited.year, page, cited.style, cited.number, cited.et_al)


def _without(sentence: str, found: list[_Found], start: int, end: int) -> str:
    """``sentence[start:end]`` with the citations in it cut out, the names read as words kept."""
    pieces, at = [], start
    for f in found:
        if f.end <= start or f.start >= end:
            continue
        pieces.append(sentence[at : max(at, f.names, f.start)])
        at = max(at, f.end)
    pieces.append(sentence[at:end])
    text = "".join(pieces)
    return _PAGE_ONLY.sub("", text)


def _tidy(text: str) -> str:
    """White space collapsed, none before punctuation, no dangling marks at the ends."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(
        r"^[\s,;:\u201c\u201d\"\u2018\u2019'\u00ab\u00bb\u201e]+|[\s,;:\u201c\u201d\"\u2018\u2019'\u00ab\u00bb\u201e]+$",
        "",
        text,
    )
    return text
