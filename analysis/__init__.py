"""Tables, tests and figures from coded definitions, exported for publication.

``analysis`` is the top layer: it may import ``corpus`` and ``coding``.
"""
