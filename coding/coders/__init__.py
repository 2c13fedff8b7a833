"""The coders: the store of their decisions, the notebook widget, and their agreement.

- :mod:`coding.coders.store`: items to code and every decision about them (SQLite);
- :mod:`coding.coders.widget`: a Jupyter widget that codes one item at a time;
- :mod:`coding.coders.retraining`: refit on the agreed codes so far, propose for the rest;
- :mod:`coding.coders.reliability`: Krippendorff's alpha, Fleiss' and Cohen's kappa,
  Gwet's AC1.

The submodules are imported when used (``from coding.coders import store``), so
that the store does not load the widget's ipywidgets.
"""

__all__ = ["reliability", "retraining", "store", "widget"]
