"""Gradio front of the ``judge_agreement`` comparison: paste judge and human verdicts, read agreement."""

import io
from pathlib import Path

import evaluate
import gradio as gr
import pandas as pd

from genjudge.scoring.vocabulary import AGREEMENT_NAMES

comparison = evaluate.load(str(Path(__file__).resolve().parent))

COLUMNS = ("uid", "model_a", "model_b", "prediction", "reference")
EXAMPLE = """uid,model_a,model_b,prediction,reference
1,x,y,A,A
2,x,z,Tie(B),B
3,y,z,B,Tie(A)
4,y,x,,B
"""


def compare(csv_text: str, unseen: str) -> tuple[pd.DataFrame, str]:
    """Agreement per group for the pairs in ``csv_text``; ``unseen`` is a comma-separated model list."""
    try:
        pairs = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise gr.Error(f"cannot read the pairs as CSV: {error}") from None
    missing = [column for column in COLUMNS if column not in pairs.columns]
    if missing:
        raise gr.Error(f"the CSV needs the columns {', '.join(COLUMNS)}; missing: {missing}")
    unseen_models = [name.strip() for name in unseen.split(",") if name.strip()] or None
    try:
        results = comparison.compute(
            predictions=pairs["prediction"].tolist(),
            references=pairs["reference"].tolist(),
            uid=pairs["uid"].tolist(),
            model_a=pairs["model_a"].tolist(),
            model_b=pairs["model_b"].tolist(),
            unseen_models=unseen_models,
        )
    except ValueError as error:
        raise gr.Error(str(error)) from None
    rows = [
        {
            "group": group,
            **{
                name: "—" if values[key] is None else f"{values[key]:.2%}"
                for key, name in AGREEMENT_NAMES.items()
            },
            "pairs": values["pairs"],
        }
        for group, values in results["agreement"].items()
    ]
    counts = ", ".join(f"{name}: {value}" for name, value in results["counts"].items())
    return pd.DataFrame(rows), f"Where every verdict went — {counts}."


with gr.Blocks(title="Judge Agreement") as demo:
    gr.Markdown(
        "# Judge Agreement\nPaste one row per pair: `uid`, `model_a`, `model_b`, the judge's `prediction` "
        "and the human `reference` (`A`, `B`, `Tie(A)`, `Tie(B)` or `Tie`; empty when missing)."
    )
    pairs_box = gr.Textbox(value=EXAMPLE, lines=8, label="pairs (CSV)")
    unseen_box = gr.Textbox(value="z", label="models the judge never saw (comma-separated, optional)")
    button = gr.Button("Compare")
    table_box = gr.Dataframe(label="agreement")
    note_box = gr.Markdown()
    button.click(compare, [pairs_box, unseen_box], [table_box, note_box])

if __name__ == "__main__":
    demo.launch()
