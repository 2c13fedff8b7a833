"""A notebook widget that shows one item at a time and saves every click at once.

``CodingSession(db, coder, scheme)`` shows a definition with the
concept's terms highlighted, its document and page, and the model's proposal
with its confidence and reason; the coder clicks one button per category of the
codebook. Each click is one decision appended to the coding store
(:func:`coding.coders.store.record`), so nothing is lost when the kernel stops, and a
session reopened for the same coder and scheme starts at the first item that
coder has not coded yet.

The widget only calls library functions: everything it does can be done (and
is tested) through its Python API.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import ipywidgets as widgets
import pandas as pd

from coding.codebook import Category, Codebook
from coding.coders import store
from corpus.errors import InputError

__all__ = ["CodingSession", "highlight"]

Order = Literal["document", "confidence"]
ORDERS = ("document", "confidence")
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
    order : {"document", "confidence"}, default="document"
        ``"document"`` shows items by document, page and position;
        ``"confidence"`` shows the model's least confident proposals first and
        items without a proposal last.
    codebook : Codebook, optional
        The codebook the store records (see :func:`coding.coders.store.store_codebook`),
        or the bundled cluster codebook for a store that records none, when
        omitted; one that differs from the store's is refused.
    concept : str, optional
        Whose items to code; the codebook's concept when omitted.

    Attributes
    ----------
    items : pandas.DataFrame
        The items in coding order: ``id, concept, text, doc, page, start, end,
        origin, proposal, confidence, reason`` (the last three empty where the
        model proposed nothing).
    position : int
        The index in ``items`` of the item shown; ``len(items)`` once past the
        last one.
    buttons : dict of str to ipywidgets.Button
        One button per category, by code; clicking one records that code.
    note : ipywidgets.Textarea
        A note stored with the next decision.
    back_button, skip_button : ipywidgets.Button
        Move without recording.
    location, text, proposal, status : ipywidgets.HTML
        The item's document and page; its text, terms marked; the model's
        proposal and the coder's own code; the last error, if any.
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
    ) -> None:
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
        self.order = order
        self.concept = concept or self.codebook.concept
        self.items = self._load_items()
        if self.items.empty:
            where = db if self._owns_conn else "the store"
            self.close()
            raise ValueError(
                f"{where} holds no items of concept {self.concept!r}; register some first "
                "with coding.coders.store.add_bundled_items, add_items or add_candidate_items"
            )
        self._coded = self._load_coded()
        self._build()
        self.position = self._next_uncoded(-1)
        self._show()

    # -- state ---------------------------------------------------------------

    def _load_items(self) -> pd.DataFrame:
        frame = store.items(self.conn, self.concept)
        proposed = store.proposals(self.conn, self.scheme).rename(
            columns={"item": "id", "value": "proposal"}
        )
        frame = frame.merge(proposed, on="id", how="left")
        if self.order == "confidence":
            frame = frame.sort_values("confidence", na_position="last", kind="stable")
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
        """Close the widget, and the store if the session opened it."""
        if hasattr(self, "widget"):
            self.widget.close()
        if self._owns_conn:
            self.conn.close()

    # -- the widget ----------------------------------------------------------

    def _build(self) -> None:
        self.progress = widgets.IntProgress(min=0, max=len(self.items), description="Progress")
        self.progress_label = widgets.Label()
        self.location = widgets.HTML()
        self.text = widgets.HTML()
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
        total = len(self.items)
        self.progress.value = self.n_coded
        self.progress_label.value = f"{self.n_coded} of {total} coded"
        self.status.value = ""
        self.back_button.disabled = self.position == 0
        self.skip_button.disabled = self.position >= total
        row = self.row
        for button in self.buttons.values():
            button.disabled = row is None
            button.button_style = ""
        if row is None:
            self._show_end(total)
            return
        where = [f"Item {self.position + 1} of {total}"]
        if row["doc"]:
            where.append(f"document <b>{html.escape(row['doc'])}</b>")
        if not pd.isna(row["page"]):
            where.append(f"page {row['page']}")
        if row["id"] != row["doc"]:
            where.append(f"<small>item {html.escape(row['id'])}</small>")
        self.location.value = " · ".join(where)
        self.text.value = (
            '<div style="font-size:1.1em;line-height:1.5">'
            f"{highlight(row['text'], self.codebook.terms)}</div>"
        )
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
        self.proposal.value = ""
        self.note.value = ""

    # -- display -------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return (
            f"CodingSession(coder={self.coder!r}, scheme={self.scheme!r}, order={self.order!r}, "
            f"{self.n_coded} of {len(self.items)} coded)"
        )
