"""A notebook widget that shows one item at a time and saves every click at once.

``CodingSession(db, coder, scheme)`` shows a definition with the
concept's terms highlighted, its document and page (for a distinct definition,
who gave it and every document and page it was found on), and the model's proposal
with its confidence and reason; the coder clicks one button per category of the
codebook. Each click is one decision appended to the coding store
(:func:`coding.coders.store.record`), so nothing is lost when the kernel stops, and a
session reopened for the same coder and scheme starts at the first item that
coder has not coded yet.

The widget only calls library functions: everything it does can be done (and
is tested) through its Python API.

With ``learn=True`` the session refits a model on the codes agreed so far
(:func:`coding.model.learning.refit`) in a background thread after every ``every``
decisions, and the items not yet shown get its proposals; a click is stored
at once whether or not a fit is running, and the fit reads the store through
a connection of its own.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from pathlib import Path
from typing import Any, Literal

import ipywidgets as widgets
import pandas as pd

from coding.codebook import Category, Codebook
from coding.coders import store
from corpus.errors import InputError

__all__ = ["CodingSession", "credit", "highlight"]

Order = Literal["document", "confidence", "uncertain", "confident"]
ORDERS = ("document", "confidence", "uncertain", "confident")
#: Who proposed the items whose proposals come from the store.
STORED_MODEL = "the model whose proposals the store holds (`defcode codings propose`)"
CODE_CLASS = "defcode-code"
_PROPOSED_STYLE = "info"
_CODED_STYLE = "success"


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escape ``text`` as HTML and mark every occurrence of ``terms``.

    Terms match whole words, ignoring case and the kind and amount of white
    space between their words; a longer term wins over a shorter one it starts
    with (``industrial districts`` over ``industrial district``).

    Parameters
    ----------
    text : str
        Plain text.
    terms : iterable of str
        The concept's terms, e.g. ``Codebook.terms``.

    Returns
    -------
    str
        HTML: the escaped text, each term in ``<mark>``.

    Examples
    --------
    >>> highlight("Clusters & <firms>", ["cluster", "clusters"])
    '<mark>Clusters</mark> &amp; &lt;firms&gt;'
    """
    words = sorted({" ".join(t.split()) for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return html.escape(text)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _describe(categories: Iterable[Category]) -> str:
    """The categories' labels, descriptions and keywords as an HTML definition list."""
    parts = ["<dl>"]
    for category in categories:
        parts.append(f"<dt><b>{html.escape(category.label)}</b></dt>")
        keywords = (
            f"<br><i>Keywords:</i> {html.escape(', '.join(category.keywords))}"
            if category.keywords
            else ""
        )
        parts.append(f"<dd>{html.escape(category.description)}{keywords}</dd>")
    parts.append("</dl>")
    return "".join(parts)


def credit(authors: str, year: str, page: str = "") -> str:
    """Who gave a definition, as a text cites it: authors, year and page.

    Examples
    --------
    >>> credit("Porter", "1998", "199")
    'Porter (1998, p. 199)'
    >>> credit("Crouch & Farrell", "", "12-13")
    'Crouch & Farrell (n.d., pp. 12-13)'
    """
    page = str(page or "").strip()
    several = re.search(r"[-\u2013,]", page)  # a range (hyphen or en dash) or a list
    pages = f", {'pp' if several else 'p'}. {page}" if page else ""
    return f"{authors or 'Unknown'} ({str(year or '').strip() or 'n.d.'}{pages})"


def _span(page: object, end_page: object) -> str:
    """A page, or the pages a sentence over a page break runs on: ``"7"``, ``"7-8"``."""
    return str(page) if pd.isna(end_page) or end_page == page else f"{page}-{end_page}"


def _attribution(row: pd.Series, found: pd.DataFrame) -> str:
    """HTML: who gave the item's definition, and each document and page it was found on."""
    places = []
    for doc, rows in found.groupby("doc", sort=False):
        rows = rows.dropna(subset="page")
        pages = list(dict.fromkeys(map(_span, rows["page"], rows["end_page"])))
        several = len(pages) > 1 or "-" in "".join(pages)
        where = f" {'pp' if several else 'p'}. {', '.join(pages)}" if pages else ""
        places.append(f"<b>{html.escape(str(doc))}</b>{where}")
    documents = found["doc"].nunique()
    return (
        f"Definition by <b>{html.escape(credit(row['authors'], row['year'], row['cited_page']))}"
        f"</b><br><small>Found {len(found)} time{'s' if len(found) != 1 else ''} in "
        f"{documents} document{'s' if documents != 1 else ''}: {'; '.join(places)}</small>"
    )


class CodingSession:
    """Code the items of a store one at a time in a Jupyter notebook.

    Parameters
    ----------
    db : str, Path or sqlite3.Connection
        The coding store (see :func:`coding.coders.store.open_store`), or an open
        connection to it.
    coder : str
        Who codes: every decision is stored under this name.
    scheme : str, optional
        The codebook's scheme to code; its first scheme of one code per item
        when omitted.
    order : {"document", "uncertain", "confident", "confidence"}, default="document"
        ``"document"`` shows items by document, page and position;
        ``"uncertain"`` (or ``"confidence"``) shows the model's least confident
        proposals first, ``"confident"`` its most confident first (for quick
        confirmation); items without a proposal come last. With ``learn``, the
        items not yet shown are ordered again after every refit.
    codebook : Codebook, optional
        The codebook the store records (see :func:`coding.coders.store.store_codebook`),
        or the bundled cluster codebook for a store that records none, when
        omitted; one that differs from the store's is refused.
    concept : str, optional
        Whose items to code; the codebook's concept when omitted.
    learn : bool, default=False
        Refit the model in the background on the codes agreed so far (see
        :func:`coding.model.learning.refit`) when the session opens and after every
        ``every`` decisions, and propose anew for the items not yet shown.
    every : int, default=3
        Decisions between refits.

    Attributes
    ----------
    items : pandas.DataFrame
        The items in coding order: ``id, concept, text, doc, page, start, end,
        end_page, origin, proposal, confidence, reason, model`` (the proposal's three
        empty where the model proposed nothing; ``model`` says which model
        proposed: trained on how many coded items, when).
    position : int
        The index in ``items`` of the item shown; ``len(items)`` once past the
        last one.
    buttons : dict of str to ipywidgets.Button
        One button per category, by code; clicking one records that code.
    note : ipywidgets.Textarea
        A note stored with the next decision.
    back_button, skip_button : ipywidgets.Button
        Move without recording.
    model_info : str
        Which model the latest proposals come from.
    location, text, attribution, proposal, status : ipywidgets.HTML
        The item's document and page; its text, terms marked; for a distinct
        definition (:func:`coding.coders.store.add_definition_items`), who
        gave it and where it was found (each document with its pages), empty
        for other items; the model's proposal and the coder's own code; the
        last error, if any.
    progress, progress_label : ipywidgets.IntProgress, ipywidgets.Label
        How many items this coder has coded ("3 of 17 coded").
    widget : ipywidgets.VBox
        The whole widget; a notebook displays the session as this.

    Raises
    ------
    ValueError
        For an empty coder or the model's, an unknown order, an unknown scheme or one that
        takes several codes per item, a codebook other than the store's, or a store
        without items of the concept.

    Examples
    --------
    In a notebook cell, where the last line displays the widget::

        session = CodingSession("review.db", coder="ab", order="confidence")
        session

    and from code, as the tests do::

        session.note.value = "names Porter's diamond"
        session.buttons["Michael Porter"].click()
    """

    def __init__(
        self,
        db: str | Path | sqlite3.Connection,
        coder: str,
        scheme: str | None = None,
        *,
        order: Order = "document",
        codebook: Codebook | None = None,
        concept: str | None = None,
        learn: bool = False,
        every: int = 3,
    ) -> None:
        self._executor: ThreadPoolExecutor | None = None
        if order not in ORDERS:
            raise ValueError(f"order={order!r} is not one of {', '.join(map(repr, ORDERS))}")
        if not str(coder).strip() or str(coder).strip() == store.MODEL_CODER:
            raise ValueError(
                f"coder={coder!r}: give the name or initials of the person coding "
                f"({store.MODEL_CODER!r} is the model's)"
            )
        self._owns_conn = not isinstance(db, sqlite3.Connection)
        self.conn = store.open_store(db) if self._owns_conn else db
        try:
            self.codebook, _ = store.store_codebook(self.conn, codebook)
            self._scheme = self.codebook.scheme(scheme or self.codebook.schemes_to_learn()[0])
        except (ValueError, InputError) as exc:
            self.close()
            raise ValueError(str(exc)) from None
        if self._scheme.multiple:
            self.close()
            raise ValueError(
                f"scheme {scheme!r} takes several codes per item; CodingSession codes schemes "
                "of one code per item: record these with coding.coders.store.record or "
                "import_codings"
            )
        self.scheme = self._scheme.name
        self.coder = str(coder).strip()
        self.order = "uncertain" if order == "confidence" else order
        self.concept = concept or self.codebook.concept
        self.learn, self.every = bool(learn), int(every)
        if self.learn and self.every < 1:
            self.close()
            raise ValueError(f"every == {every}, must be >= 1")
        self._path = _database_file(self.conn) if self.learn else None
        if self.learn and not self._path:
            self.close()
            raise ValueError(
                "learn=True needs a store in a file: the refit opens its own connection"
            )
        self.model_info = STORED_MODEL
        self._future: Future | None = None
        self._pending = False
        self._refit_error = ""
        self._since_refit = 0
        self._shown: set[str] = set()
        self.items = self._load_items()
        if self.items.empty:
            where = db if self._owns_conn else "the store"
            self.close()
            raise ValueError(
                f"{where} holds no items of concept {self.concept!r}; register some first "
                "with coding.coders.store.add_bundled_items, add_items, add_candidate_items "
                "or add_definition_items"
            )
        found = store.item_occurrences(self.conn, self.concept)
        self._found = {item: rows for item, rows in found.groupby("item", sort=False)}
        self._coded = self._load_coded()
        self._build()
        self.position = self._next_uncoded(-1)
        if self.learn:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="defcode-refit")
            self._start_refit()
        self._show()

    # -- state ---------------------------------------------------------------

    def _load_items(self) -> pd.DataFrame:
        frame = store.items(self.conn, self.concept)
        proposed = store.proposals(self.conn, self.scheme).rename(
            columns={"item": "id", "value": "proposal"}
        )
        frame = frame.merge(proposed, on="id", how="left")
        frame["model"] = [None if pd.isna(p) else STORED_MODEL for p in frame["proposal"]]
        if self.order in ("uncertain", "confident"):
            frame = frame.sort_values(
                "confidence",
                ascending=self.order == "uncertain",
                na_position="last",
                kind="stable",
            )
        return frame.reset_index(drop=True)

    def _load_coded(self) -> dict[str, tuple[str, str]]:
        mine = store.current(self.conn, self.scheme)
        mine = mine[(mine["coder"] == self.coder) & mine["item"].isin(self.items["id"])]
        return {
            item: (value, note)
            for item, value, note in mine[["item", "value", "note"]].itertuples(index=False)
        }

    def _next_uncoded(self, after: int) -> int:
        """The first uncoded position after ``after``, else before it, else the end."""
        ids = self.items["id"].tolist()
        order = [*range(after + 1, len(ids)), *range(0, max(after, 0))]
        return next((i for i in order if ids[i] not in self._coded), len(ids))

    @property
    def row(self) -> pd.Series | None:
        """The item shown (a row of :attr:`items`), or None past the last one."""
        return self.items.iloc[self.position] if self.position < len(self.items) else None

    @property
    def item(self) -> str | None:
        """The id of the item shown, or None past the last one."""
        row = self.row
        return None if row is None else row["id"]

    @property
    def coded(self) -> dict[str, str]:
        """This coder's current value for each item coded so far, by item id."""
        return {item: value for item, (value, _) in self._coded.items()}

    @property
    def n_coded(self) -> int:
        """How many of the items this coder has coded in this scheme."""
        return len(self._coded)

    # -- actions -------------------------------------------------------------

    def code(self, value: str) -> int:
        """Record ``value`` (and the note) for the item shown, then show the next uncoded one.

        Returns
        -------
        int
            The decision's sequence number in the store.

        Raises
        ------
        ValueError
            Past the last item, or for a value that is not a code of the scheme.
        """
        item = self.item
        if item is None:
            raise ValueError("no item is shown: go back() to one first")
        note = self.note.value.strip()
        seq = store.record(
            self.conn, self.codebook, item, self.scheme, self.coder, value, note, source="human"
        )
        self._coded[item] = (self._scheme.normalize(value), note)
        self.position = self._next_uncoded(self.position)
        self._since_refit += 1
        if self.learn and self._since_refit >= self.every:
            self._start_refit()
        self._show()
        return seq

    def back(self) -> None:
        """Show the previous item."""
        self.position = max(self.position - 1, 0)
        self._show()

    def skip(self) -> None:
        """Show the next item without coding this one."""
        self.position = min(self.position + 1, len(self.items))
        self._show()

    def close(self) -> None:
        """Close the widget, and the store if the session opened it; a running refit is
        left to finish (its results are not used)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if hasattr(self, "widget"):
            self.widget.close()
        if self._owns_conn:
            self.conn.close()

    # -- learning ------------------------------------------------------------

    @property
    def refitting(self) -> bool:
        """Whether a refit is running (or waiting to run) in the background."""
        return self._future is not None and not self._future.done()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the background refits are done, and use their proposals.

        For scripts and tests; clicks never wait.

        Raises
        ------
        TimeoutError
            When a refit is still running after ``timeout`` seconds.
        """
        while self._future is not None:
            done, _ = wait_for([self._future], timeout)
            if not done:
                raise TimeoutError(f"the refit is still running after {timeout} s")
            self._apply_refit()
        self._show()

    def _start_refit(self) -> None:
        """Start a refit, or ask for one after the running one."""
        if self._executor is None:
            return
        self._since_refit = 0
        if self.refitting:
            self._pending = True
            return
        todo = self.items[~self.items["id"].isin(self._shown)]
        self._future = self._executor.submit(
            _refit, self._path, self.codebook, self.scheme, todo.reset_index(drop=True)
        )

    def _apply_refit(self) -> None:
        """Use a finished refit's proposals for the items not yet shown; start a pending one."""
        if self._future is None or not self._future.done():
            return
        future, self._future = self._future, None
        try:
            described, proposed = future.result()
        except Exception as exc:  # the coder keeps the proposals shown and is told why
            self._refit_error = str(exc)
            return
        self._refit_error = ""
        proposed = proposed.set_index("id")
        fresh = self.items["id"].isin(proposed.index) & ~self.items["id"].isin(self._shown)
        ids = self.items.loc[fresh, "id"]
        for column in ("proposal", "confidence", "reason"):
            self.items.loc[fresh, column] = proposed.loc[ids, column].to_numpy()
        self.items.loc[fresh, "model"] = described
        self.model_info = described
        if self.order in ("uncertain", "confident"):
            self._reorder()
        if self._pending:
            self._pending = False
            self._start_refit()

    def _reorder(self) -> None:
        """Sort the items after the one shown that were never shown, by the new confidence."""
        later = [
            i
            for i in range(self.position + 1, len(self.items))
            if self.items.at[i, "id"] not in self._shown
        ]
        if not later:
            return
        block = self.items.loc[later].sort_values(
            "confidence", ascending=self.order == "uncertain", na_position="last", kind="stable"
        )
        rows = list(self.items.index)
        for slot, row in zip(later, block.index, strict=True):
            rows[slot] = row
        self.items = self.items.loc[rows].reset_index(drop=True)

    # -- the widget ----------------------------------------------------------

    def _build(self) -> None:
        self.progress = widgets.IntProgress(min=0, max=len(self.items), description="Progress")
        self.progress_label = widgets.Label()
        self.location = widgets.HTML()
        self.text = widgets.HTML()
        self.attribution = widgets.HTML()
        self.proposal = widgets.HTML()
        self.buttons = {}
        for category in self._scheme.categories:
            button = widgets.Button(
                description=category.code,
                tooltip=category.description,
                layout=widgets.Layout(width="auto", margin="2px"),
            )
            button.add_class(CODE_CLASS)
            button.on_click(self._on_click(self.code, category.code))
            self.buttons[category.code] = button
        self.note = widgets.Textarea(
            placeholder="A note stored with your next click (optional)",
            layout=widgets.Layout(width="auto", height="4em"),
        )
        self.back_button = widgets.Button(description="Back", icon="arrow-left")
        self.back_button.on_click(self._on_click(self.back))
        self.skip_button = widgets.Button(description="Skip", icon="arrow-right")
        self.skip_button.on_click(self._on_click(self.skip))
        self.status = widgets.HTML()
        self.codebook_help = widgets.Accordion(
            children=[widgets.HTML(_describe(self._scheme.categories))],
            titles=(f"What each code means: {self._scheme.label}",),
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<b>{html.escape(self._scheme.label)}</b>, coder {self.coder}"),
                widgets.HBox([self.progress, self.progress_label]),
                self.location,
                self.text,
                self.attribution,
                self.proposal,
                widgets.HBox(
                    list(self.buttons.values()), layout=widgets.Layout(flex_flow="row wrap")
                ),
                self.note,
                widgets.HBox([self.back_button, self.skip_button]),
                self.status,
                self.codebook_help,
            ]
        )
        self.widget.add_class("defcode-session")

    def _on_click(self, action: Callable[..., Any], *args: Any) -> Callable[[Any], None]:
        def handler(_button: widgets.Button) -> None:
            try:
                action(*args)
            except Exception as exc:
                self.status.value = (
                    f'<span style="color:#b00020">Not saved: {html.escape(str(exc))}</span>'
                )
                raise

        return handler

    def _show(self) -> None:
        self._apply_refit()
        self.status.value = (
            f'<span style="color:#b00020">Refit failed: {html.escape(self._refit_error)}</span>'
            if self._refit_error
            else ""
        )
        total = len(self.items)
        self.progress.value = self.n_coded
        self.progress_label.value = f"{self.n_coded} of {total} coded"
        self.back_button.disabled = self.position == 0
        self.skip_button.disabled = self.position >= total
        row = self.row
        for button in self.buttons.values():
            button.disabled = row is None
            button.button_style = ""
        if row is None:
            self._show_end(total)
            return
        self._shown.add(row["id"])
        found = self._found.get(row["id"])
        where = [f"Item {self.position + 1} of {total}"]
        if row["doc"] and found is None:
            where.append(f"document <b>{html.escape(row['doc'])}</b>")
        if not pd.isna(row["page"]) and found is None:
            span = _span(row["page"], row["end_page"])
            where.append(f"{'pages' if '-' in span else 'page'} {span}")
        if row["id"] != row["doc"]:
            where.append(f"<small>item {html.escape(row['id'])}</small>")
        self.location.value = " · ".join(where)
        self.text.value = (
            '<div style="font-size:1.1em;line-height:1.5">'
            f"{highlight(row['text'], self.codebook.terms)}</div>"
        )
        self.attribution.value = "" if found is None else _attribution(row, found)
        mine = self._coded.get(row["id"])
        lines = []
        if pd.isna(row["proposal"]):
            lines.append("No model proposal for this item.")
        else:
            if row["proposal"] in self.buttons:
                self.buttons[row["proposal"]].button_style = _PROPOSED_STYLE
            lines.append(
                f"Model proposes <b>{html.escape(row['proposal'])}</b>: "
                f"{html.escape(str(row['reason']))}"
            )
            lines.append(f"<small>Proposed by {html.escape(str(row['model']))}</small>")
        if mine is not None:
            if mine[0] in self.buttons:
                self.buttons[mine[0]].button_style = _CODED_STYLE
            lines.append(f"Your code: <b>{html.escape(mine[0])}</b>")
        self.proposal.value = "<br>".join(lines)
        self.note.value = mine[1] if mine else ""

    def _show_end(self, total: int) -> None:
        left = total - self.n_coded
        self.location.value = "End of the list."
        self.text.value = (
            f"All {total} items are coded."
            if left == 0
            else f"{left} skipped item(s) not coded yet: go Back, or reopen the session to "
            "resume at the first of them."
        )
        self.attribution.value = ""
        self.proposal.value = ""
        self.note.value = ""

    # -- display -------------------------------------------------------------

    def __del__(self) -> None:
        if getattr(self, "_executor", None) is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return (
            f"CodingSession(coder={self.coder!r}, scheme={self.scheme!r}, order={self.order!r}, "
            f"{self.n_coded} of {len(self.items)} coded)"
        )


def _database_file(conn: sqlite3.Connection) -> str:
    """The file of the connection's main database ("" for one in memory)."""
    return next((file for _, name, file in conn.execute("PRAGMA database_list") if name == "main"))


def _refit(
    path: str, codebook: Codebook, scheme: str, todo: pd.DataFrame
) -> tuple[str, pd.DataFrame]:
    """Refit on the store's agreed codes and propose for ``todo`` (rows of :func:`store.items`).

    Runs in the session's background thread, so it opens a connection of its own.

    Returns
    -------
    described : str
        Which model proposed (:func:`coding.model.learning.describe_model`).
    proposals : pandas.DataFrame
        Columns ``id, proposal, confidence, reason``.
    """
    from coding.model.learning import describe_model, refit

    conn = store.open_store(path)
    try:
        agreed = store.agreed(conn, codebook, [scheme])
        texts = store.model_texts(conn, todo)
    finally:
        conn.close()
    model = refit(agreed, codebook, [scheme])
    proposed = model.propose(texts) if len(todo) else None
    frame = pd.DataFrame({"id": todo["id"]})
    frame["proposal"] = [] if proposed is None else proposed[scheme].to_numpy()
    frame["confidence"] = [] if proposed is None else proposed[f"{scheme}_confidence"].to_numpy()
    frame["reason"] = [] if proposed is None else proposed[f"{scheme}_reason"].to_numpy()
    return describe_model(model), frame
