"""A small Gradio app for the General-Level metric: upload a SoTA sheet and a result sheet, see the levels."""

import gradio as gr
import pandas as pd

from genjudge.benchmarks.general_level import GeneralLevelFormatError, read_reference, read_results
from genjudge.benchmarks.general_level.plots import level_chart, modality_bars
from genjudge.benchmarks.general_level.sample import sample_reference_path, sample_results_paths
from genjudge.scoring.general_level import MODALITIES, score_general_level


def _levels_frame(result) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"level": f"Level-{index}", "score": value.score, "lower": value.lower, "upper": value.upper}
            for index, value in ((i, result.levels[f"level_{i}"]) for i in range(2, 6))
        ]
    ).round(2)


def _modalities_frame(result) -> pd.DataFrame:
    rows = [{"modality": modality, **vars(result.modalities[modality])} for modality in MODALITIES]
    rows.append(
        {
            "modality": "NLP",
            "level_3": result.nlp.score,
            "supported": result.nlp.supported,
            "wins": result.nlp.wins,
            "tasks": result.nlp.tasks,
        }
    )
    return pd.DataFrame(rows).round(2)


def score(sota_file, results_file, official, bootstrap_rounds):
    """Read both sheets (never executing anything in them) and score; errors are shown, not raised."""
    sota_path = sota_file or str(sample_reference_path())
    results_path = results_file or str(sample_results_paths()[0])
    try:
        reference = read_reference(sota_path, official=official)
        result = score_general_level(
            read_results(results_path, reference, official=official),
            reference,
            official=official,
            bootstrap=int(bootstrap_rounds),
        )
    except GeneralLevelFormatError as error:
        return f"**Cannot score:** {error}", None, None, None, None
    summary = (
        f"**{result.model}: Level-{result.level}** — supported {result.supported}/{result.tasks} tasks, "
    )
    summary += f"{result.wins} wins over the specialist ({'official' if official else 'corrected'} rules)."
    if result.notes:
        summary += "\n\n" + "\n".join(f"- {note}" for note in result.notes)
    return (
        summary,
        _levels_frame(result),
        _modalities_frame(result),
        level_chart(result),
        modality_bars(result),
    )


with gr.Blocks(title="General-Level") as demo:
    gr.Markdown(
        "# General-Level\nLevels 2–5 of a multimodal generalist against the specialists' SoTA sheet. "
        "Leave the files empty to score the embedded sample (an invented 41-task sheet)."
    )
    with gr.Row():
        sota_input = gr.File(label="SoTA sheet (.xlsx, .csv, .json)", file_types=[".xlsx", ".csv", ".json"])
        results_input = gr.File(
            label="Result sheet (.xlsx, .csv, .json)", file_types=[".xlsx", ".csv", ".json"]
        )
    with gr.Row():
        official_input = gr.Checkbox(label="official ranker.py rules (flaws included)", value=False)
        bootstrap_input = gr.Slider(0, 2000, value=1000, step=100, label="bootstrap rounds")
    button = gr.Button("Score", variant="primary")
    summary_output = gr.Markdown()
    levels_output = gr.Dataframe(label="Levels with 95% intervals")
    modalities_output = gr.Dataframe(label="Per modality")
    with gr.Row():
        level_plot = gr.Plot(label="Levels")
        modality_plot = gr.Plot(label="Comprehension and generation against the specialists")
    button.click(
        score,
        inputs=[sota_input, results_input, official_input, bootstrap_input],
        outputs=[summary_output, levels_output, modalities_output, level_plot, modality_plot],
    )

if __name__ == "__main__":
    demo.launch()
