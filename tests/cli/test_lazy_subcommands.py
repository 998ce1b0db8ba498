"""`genjudge --help` lists every subcommand without importing it; running one imports only its module."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from genjudge.cli import SUBCOMMANDS, app


def _imported_after(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from genjudge.cli import app\n"
        f"result = CliRunner().invoke(app, {list(args)!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_root_help_imports_no_subcommand_module_and_none_of_their_libraries():
    loaded = _imported_after("--help")
    assert not {sub.module for sub in SUBCOMMANDS} & loaded
    assert not {"datasets", "pandas", "matplotlib", "gradio", "torch", "nltk", "sklearn"} & loaded


def test_a_subcommand_imports_its_own_module_only():
    loaded = _imported_after("arena", "--help")
    assert "genjudge.cli.arena" in loaded
    assert (
        not {"genjudge.benchmarks.general_level.bench.cli", "genjudge.cli.leaderboard", "nltk", "gradio"}
        & loaded
    )


@pytest.mark.parametrize("sub", SUBCOMMANDS, ids=lambda sub: sub.name)
def test_each_listed_summary_is_the_subcommands_own_help(sub):
    own = " ".join((sub.load().help or "").split())
    assert own.startswith(" ".join(sub.summary.split()))


def test_the_version_flag_and_command_agree():
    from genjudge import __version__

    assert CliRunner().invoke(app, ["--version"]).output.strip() == __version__
    assert CliRunner().invoke(app, ["version"]).output.strip() == __version__
