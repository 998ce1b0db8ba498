"""The `--help` page of every genjudge command, found by walking the app (new commands included).

Help is rendered as Markdown: `code` shows as code, and text that looks like an HTML tag
(`<Model>`) is dropped by the renderer unless it sits inside backticks.
"""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.judges.registry import judge_names, judge_options

WIDTH = 200
BOX_AND_SPACE = re.compile(r"[\s│╭╮╰╯─┃┏┓┗┛━]+")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
TAG_LIKE = re.compile(r"<[A-Za-z/][^<>\s]*>")


def _walk(command, path=()):
    yield path, command
    if hasattr(command, "list_commands"):
        context = typer.Context(command)
        for name in sorted(command.list_commands(context)):
            yield from _walk(command.get_command(context, name), (*path, name))


COMMANDS = dict(_walk(typer.main.get_command(app)))


def _help_texts(command) -> list[str]:
    texts = [command.help or "", command.epilog or ""]
    return [*texts, *(getattr(param, "help", None) or "" for param in command.params)]


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, ...], str]:
    runner = CliRunner()
    out = {}
    for path in COMMANDS:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH)}, terminal_width=WIDTH)
        assert result.exit_code == 0, f"genjudge {' '.join(path)} --help: {result.output}"
        out[path] = result.output
    return out


def test_the_walk_finds_every_command_group():
    assert {path[0] for path in COMMANDS if path} >= {"arena", "data", "demo", "judge", "leaderboard"}
    assert ("judge", "pairs") in COMMANDS and ("leaderboard", "serve") in COMMANDS


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(path) or "genjudge")
def test_no_flag_shows_a_value_type_and_no_raw_backticks(pages, path):
    page = pages[path]
    assert "<bool>" not in page and "<boolean>" not in page
    assert "`" not in page, "help text is Markdown: backticks should render as code"


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(path) or "genjudge")
def test_every_word_of_the_help_text_reaches_the_page(pages, path):
    """Markdown drops `<tag>`-like text outside code spans; write it in backticks instead."""
    for text in _help_texts(COMMANDS[path]):
        prose = CODE_SPAN.sub(r"\2", text) if "`" in text else text
        assert not TAG_LIKE.findall(CODE_SPAN.sub("", text)), f"put {TAG_LIKE.findall(text)} in backticks"
        squashed_page = BOX_AND_SPACE.sub("", pages[path])
        for word in re.findall(r"[\w<>/.-]{4,}", prose):
            assert word.strip(".") in squashed_page, f"{word!r} of {text!r} is missing from the help page"


def test_judge_pairs_lists_its_choices_and_every_judge_option_key(pages):
    page = pages[("judge", "pairs")]
    assert "<reference|intjudge|api>" in page
    assert "<dev|test>" in page
    assert "<fail|skip>" in page
    for name in judge_names():
        assert f"--option keys of --judge {name}:" in page
        for key, text in judge_options(name).items():
            assert f"{key}: {text}" in page


CHOICE_OPTIONS = ("--judge", "--split")
# In the leaderboard commands --benchmark names a benchmark (in `judge pairs` it is a release folder).
LEADERBOARD_CHOICE_OPTIONS = ("--benchmark",)


def _choice_cases():
    for path, command in COMMANDS.items():
        wanted = CHOICE_OPTIONS + (LEADERBOARD_CHOICE_OPTIONS if path[:1] == ("leaderboard",) else ())
        names = [opt for param in command.params for opt in getattr(param, "opts", []) if opt in wanted]
        for name in names:
            yield pytest.param(path, name, id=f"{' '.join(path)} {name}")


@pytest.mark.parametrize(("path", "name"), list(_choice_cases()))
def test_choice_options_list_their_choices(pages, path, name):
    assert re.search(rf"{name}(\s+-\w)?\s+<[\w.-]+(\|[\w.-]+)+>", pages[path]), f"{name} shows no choices"
