"""``genjudge arena report`` never hides a number: piped or in a terminal, at 40, 80 and 120
columns, and in every ``--format``."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.scoring.bradley_terry import fit_bradley_terry
from genjudge.scoring.winrate import VARIANTS, win_rates

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Model names as long as the official ones.
MODELS = ["Human", "GPT-4o+DALL-E3", "Gemini1.5+Flux", "anole", "MiniGPT-5", "SEED-LLaMA", "NExT-GPT"]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """Four hundred battles in the Interleaved Arena shape, ties of every kind included."""
    rng = np.random.default_rng(0)
    strength = np.linspace(1.5, -1.5, len(MODELS))
    records = []
    for k in range(400):
        a, b = rng.choice(len(MODELS), 2, replace=False)
        p = 1 / (1 + np.exp(strength[b] - strength[a]))
        win = rng.random() < p
        tie = rng.random() < 0.3
        winner = ("Tie(A)" if win else "Tie(B)") if tie else ("A" if win else "B")
        records.append(
            {
                "data_id": f"{k:07d}",
                "model_A": {"id": str(a), "name": MODELS[a]},
                "model_B": {"id": str(b), "name": MODELS[b]},
                "winner": winner,
            }
        )
    path = tmp_path_factory.mktemp("arena") / "judge_modelAB_results.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def official_numbers(path) -> list[str]:
    """Every win rate as the official script prints it (two decimals), and every battle count."""
    frame = pd.DataFrame(
        [
            {"uid": r["data_id"], "model_a": r["model_A"]["name"], "model_b": r["model_B"]["name"]}
            | {"winner": r["winner"]}
            for r in json.loads(path.read_text())
        ]
    )
    rates = win_rates(frame)
    numbers = [f"{rates.loc[m, v]:.2%}" for m in rates.index for v in VARIANTS]
    return numbers + [str(int(n)) for n in rates["battles"]]


def report(path, *extra, env):
    result = runner.invoke(app, ["arena", "report", str(path), "--bootstrap", "30", *extra], env=env)
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.stdout)


@pytest.mark.parametrize("columns", ["40", "80", "120"])
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_every_number_and_header_appears_in_full(verdicts, columns, terminal):
    env = {"COLUMNS": columns, "TTY_COMPATIBLE": "1" if terminal else "0"}
    output = report(verdicts, env=env)
    for number in official_numbers(verdicts):
        assert number in output
    for header in ("BT rating", "95% interval (bootstrap)", "with tie (tie = 0.5)", "without tie"):
        assert header in output
    for model in MODELS:
        assert model in output
    assert "…" not in output
    if terminal:  # nothing wider than the terminal
        assert max(len(line) for line in output.splitlines()) <= int(columns)


def test_piped_output_puts_each_model_on_one_row(verdicts):
    output = report(verdicts, env={"COLUMNS": "40", "TTY_COMPATIBLE": "0"})
    rows = [line for line in output.splitlines() if "GPT-4o+DALL-E3" in line]
    assert len(rows) == 1 and all(n in rows[0] for n in official_numbers(verdicts)[4:8])


def test_csv_json_and_markdown_carry_the_same_numbers(verdicts):
    numbers = official_numbers(verdicts)
    as_csv = report(verdicts, "--format", "csv", env={"COLUMNS": "40"})
    assert as_csv.startswith("# Models")
    rows = list(csv.DictReader(io.StringIO(as_csv.split("\n", 1)[1])))
    assert [row["model"] for row in rows][:1] == ["Human"]
    cells = {cell for row in rows for cell in row.values()}
    assert set(numbers) <= cells

    as_markdown = report(verdicts, "--format", "markdown", env={"COLUMNS": "40"})
    assert "| rank | model | BT rating |" in as_markdown
    assert all(number in as_markdown for number in numbers)

    document = json.loads(report(verdicts, "--format", "json", env={"COLUMNS": "40"}))
    table = document["tables"][0]
    by_model = {row["model"]: row for row in table["rows"]}
    rates = win_rates(
        pd.DataFrame(
            [
                {"uid": r["data_id"], "model_a": r["model_A"]["name"], "model_b": r["model_B"]["name"]}
                | {"winner": r["winner"]}
                for r in json.loads(verdicts.read_text())
            ]
        )
    )
    assert by_model["anole"]["FDT"] == pytest.approx(rates.loc["anole", "fdt"])
    lower, upper = by_model["anole"]["95% interval (bootstrap)"]
    assert lower <= by_model["anole"]["BT rating"] <= upper


def test_decimals_are_the_same_down_each_column(verdicts):
    as_csv = report(verdicts, "--format", "csv", env={})
    rows = list(csv.DictReader(io.StringIO(as_csv.split("\n", 1)[1])))
    for column in ("FDT", "with tie", "without tie", "BT rating"):
        decimals = {len(row[column].rstrip("%").partition(".")[2]) for row in rows}
        assert len(decimals) == 1, (column, decimals)


def test_one_battle_is_marked_provisional_in_the_table(tmp_path):
    battles = [("m1", "m2", "A"), ("m2", "m1", "B"), ("m1", "m2", "B")] * 12 + [("new", "m1", "A")]
    records = [
        {
            "data_id": f"{k:07d}",
            "model_A": {"id": a, "name": a},
            "model_B": {"id": b, "name": b},
            "winner": w,
        }
        for k, (a, b, w) in enumerate(battles)
    ]
    path = tmp_path / "verdicts.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    document = json.loads(report(path, "--format", "json", env={}))
    rows = {row["model"]: row for row in document["tables"][0]["rows"]}
    assert rows["new"]["provisional"] is True and rows["new"]["95% interval (bootstrap)"][1] == "inf"
    assert rows["m1"]["provisional"] is False and rows["m2"]["provisional"] is False
    assert rows["new"]["rank"] == 1 and rows["m1"]["rank"] == 1  # one won battle outranks nobody
    table = report(path, env={"COLUMNS": "200", "TTY_COMPATIBLE": "0"})
    assert "provisional: fewer than 30 battles" in " ".join(table.split())
    check = fit_bradley_terry(
        pd.DataFrame(battles, columns=["model_a", "model_b", "winner"]).assign(
            uid=lambda f: f.index.astype(str)
        ),
        bootstrap_rounds=30,
    )
    assert check.set_index("model").loc["new", "provisional"]
