"""The error raised for bad input files, rows and fields."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: the message names the file, row and field that are wrong.

    Parameters
    ----------
    message : str
        What is wrong and where, ready to show to the user as it is.
    problems : list of str, optional
        One line per problem when several were found in one file.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        full = message if not self.problems else message + "\n" + "\n".join(self.problems)
        super().__init__(full)


class OutputError(InputError):
    """A file that cannot be written: the message names it and says why.

    An :class:`InputError`, since the path is the user's input, so that
    commands report it as one ``error:`` line like any other bad input.
    """
