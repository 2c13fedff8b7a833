"""The command line's help reads like a Unix tool's, and its examples are real commands."""

import re
import shlex

import pytest
import typer.main
from typer.testing import CliRunner

from analysis.cli import app
from analysis.cli._help import unix_metavar

runner = CliRunner()


def _commands(group, prefix=()):
    """Every command and group below ``group``, as (words, click command)."""
    for name, command in sorted(group.commands.items()):
        words = (*prefix, name)
        yield words, command
        if hasattr(command, "commands"):
            yield from _commands(command, words)


ROOT = typer.main.get_command(app)
COMMANDS = list(_commands(ROOT))
LEAVES = [(words, command) for words, command in COMMANDS if not hasattr(command, "commands")]


def _help(words):
    result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"}, prog_name="defcode")
    assert result.exit_code == 0, result.output
    return result.output


def _examples(text):
    """The ``$ defcode ...`` lines of a help text, continuation lines joined."""
    joined = re.sub(r"\\[ \t]*\n\s*", " ", text)
    return [line.strip()[2:] for line in joined.splitlines() if line.strip().startswith("$ ")]


def test_every_command_is_found():
    names = {" ".join(words) for words, _ in LEAVES}
    assert {"ingest", "tables", "codings resolve", "qda import", "codebook validate"} <= names
    assert len(LEAVES) >= 22


@pytest.mark.parametrize("words", [(), *[words for words, _ in COMMANDS]], ids=" ".join)
def test_help_shows_no_python_types(words):
    text = _help(words)
    for marker in ("<bool>", "<path>", "<str>", "<int>", "<float>", "<list"):
        assert marker not in text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage


def test_usage_names_arguments_in_capitals():
    assert "Usage: defcode ingest [OPTIONS] PATHS..." in _help(("ingest",))
    assert "Usage: defcode codings import [OPTIONS] FILES..." in _help(("codings", "import"))
    assert "Usage: defcode crosstab [OPTIONS] [ROWS] [COLUMNS]" in _help(("crosstab",))
    text = _help(("candidates",))
    assert re.search(r"--db\s+PATH\s", text)
    assert re.search(r"--min-score\s+FLOAT\s", text)
    assert re.search(r"--format\s+-f\s+\[csv\|md\|latex\|all\]", _help(("tables",)))


def test_flags_show_no_metavar():
    text = _help(("ingest",))
    assert re.search(r"--quiet\s+-q\s+No progress bar", text)
    assert re.search(r"--help\s+Show this message", text)


@pytest.mark.parametrize("words,command", LEAVES, ids=[" ".join(w) for w, _ in LEAVES])
def test_every_command_has_examples_that_parse(words, command):
    text = _help(words)
    examples = _examples(text)
    assert "Examples:" in text
    assert examples, f"defcode {' '.join(words)} --help shows no example"
    for example in examples:
        args = shlex.split(example)
        assert args[0] == "defcode"
        assert tuple(args[1 : 1 + len(words)]) == words, example
        # Parsing checks every option's name, value type and choice, without running it.
        context = command.make_context(" ".join(words), args[1 + len(words) :])
        assert context.params


def test_a_misspelt_option_in_an_example_would_fail():
    command = dict(LEAVES)[("ingest",)]
    with pytest.raises(Exception, match="--dbx"):
        command.make_context("ingest", ["papers/", "--dbx", "review.db"])


@pytest.mark.parametrize(
    "label,metavar",
    [
        ("<path>", "PATH"),
        ("<str>", "TEXT"),
        ("<int>", "INTEGER"),
        ("<float range>", "FLOAT"),
        ("<csv|md|latex|all>", "[csv|md|latex|all]"),
        ("<list[Path]>", "PATH"),
    ],
)
def test_unix_metavar(label, metavar):
    assert unix_metavar(label) == metavar
