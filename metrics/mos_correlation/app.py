"""Gradio demo of the mos_correlation metric: paste scores and MOS, get SRCC / PLCC / KRCC."""

from pathlib import Path

import evaluate
import gradio as gr

MODULE = str(Path(__file__).resolve().parent)


def _numbers(text: str, name: str) -> list[float]:
    cells = [cell for cell in text.replace("\n", ",").split(",") if cell.strip()]
    try:
        return [float(cell) for cell in cells]
    except ValueError as exc:
        raise gr.Error(f"{name}: {exc}") from None


def compute(predictions: str, references: str, official: bool, logistic: bool, rounds: float) -> dict:
    metric = evaluate.load(MODULE, "official" if official else "default")
    try:
        return metric.compute(
            predictions=_numbers(predictions, "predictions"),
            references=_numbers(references, "references"),
            logistic=logistic,
            bootstrap_rounds=int(rounds),
        )
    except ValueError as exc:
        raise gr.Error(str(exc)) from None


with gr.Blocks(title="MOS correlation") as demo:
    gr.Markdown(
        "# MOS correlation\nAgreement of a metric's per-image scores with human MOS "
        "(SRCC, PLCC, KRCC; optional logistic PLCC and bootstrap intervals). Comma- or line-separated."
    )
    with gr.Row():
        predictions = gr.Textbox(
            label="predictions (metric scores)", value="0.1, 0.4, 0.35, 0.8, 0.7", lines=4
        )
        references = gr.Textbox(label="references (human MOS)", value="20, 41.5, 48, 66.25, 70", lines=4)
    with gr.Row():
        official = gr.Checkbox(label="official LMM4LMM mode (MOS as bfloat16)")
        logistic = gr.Checkbox(label="PLCC after 4-parameter logistic fit")
        rounds = gr.Number(label="bootstrap rounds", value=0, precision=0, minimum=0, maximum=10000)
    button = gr.Button("Compute", variant="primary")
    output = gr.JSON(label="result")
    button.click(compute, [predictions, references, official, logistic, rounds], output)

if __name__ == "__main__":
    demo.launch()
