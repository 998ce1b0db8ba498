"""Gradio front of the ``opening_winrate`` metric: paste battles as CSV, read win rates and ratings."""

import io
from pathlib import Path

import evaluate
import gradio as gr
import pandas as pd

from genjudge.scoring.vocabulary import (
    RANK,
    RANK_RULE,
    RATING,
    WIN_RATE_NAMES,
    IntervalMethod,
    interval_name,
)

metric = evaluate.load(str(Path(__file__).resolve().parent))

EXAMPLE = """model_a,model_b,winner
x,y,A
x,z,Tie(A)
y,z,B
z,x,B
y,x,Tie(B)
z,y,A
"""


def score(csv_text: str, bootstrap_rounds: float, interval: str) -> tuple[pd.DataFrame, str]:
    """The model table for the battles in ``csv_text`` (columns model_a, model_b, winner)."""
    try:
        battles = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise gr.Error(f"cannot read the battles as CSV: {error}") from None
    missing = [column for column in ("model_a", "model_b", "winner") if column not in battles.columns]
    if missing:
        raise gr.Error(f"the CSV needs the columns model_a, model_b, winner; missing: {missing}")
    try:
        results = metric.compute(
            model_a=battles["model_a"].tolist(),
            model_b=battles["model_b"].tolist(),
            winner=battles["winner"].tolist(),
            bootstrap_rounds=int(bootstrap_rounds),
            interval=interval,
        )
    except ValueError as error:
        raise gr.Error(str(error)) from None
    rows = []
    for model, rating in results["ratings"].items():
        rates = results["win_rates"][model]
        rows.append(
            {
                RANK: rating["rank"],
                "model": model,
                RATING: round(rating["rating"]),
                interval_name(interval): f"{rating['lower']:.0f}–{rating['upper']:.0f}",
                **{
                    WIN_RATE_NAMES[variant]: "—" if rates[variant] is None else f"{rates[variant]:.1%}"
                    for variant in WIN_RATE_NAMES
                },
                "battles": rates["battles"],
            }
        )
    table = pd.DataFrame(rows).sort_values(WIN_RATE_NAMES["fdt"], ascending=False, key=_percent_key)
    return table, f"Sorted by FDT win rate (the official OpenING order). {RANK_RULE}."


def _percent_key(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.str.rstrip("%"), errors="coerce")


with gr.Blocks(title="OpenING Win Rate") as demo:
    gr.Markdown(
        "# OpenING Win Rate\nPaste pairwise battles as CSV with the columns `model_a`, `model_b`, "
        "`winner` (`A`, `B`, `Tie(A)`, `Tie(B)` or `Tie`)."
    )
    battles_box = gr.Textbox(value=EXAMPLE, lines=10, label="battles (CSV)")
    with gr.Row():
        rounds_box = gr.Number(value=200, precision=0, minimum=0, label="bootstrap rounds")
        interval_box = gr.Radio([m.value for m in IntervalMethod], value="bootstrap", label="95% interval")
    button = gr.Button("Score")
    table_box = gr.Dataframe(label="models")
    note_box = gr.Markdown()
    button.click(score, [battles_box, rounds_box, interval_box], [table_box, note_box])

if __name__ == "__main__":
    demo.launch()
