"""A small Gradio app for the lmm4lmm evaluate module: upload an image, give its prompt (and, for
QA, a question), get the LMM4LMM scores. Set LMM4LMM_MODEL_DIR to a folder holding the three
downloaded checkpoints (LMM4LMM-Perception, -Correspondence, -QA) to run offline."""

import os
from pathlib import Path

import evaluate
import gradio as gr

MODULE = str(Path(__file__).resolve().parent)
FOLDERS = {"perception": "LMM4LMM-Perception", "correspondence": "LMM4LMM-Correspondence", "qa": "LMM4LMM-QA"}
_loaded = {}


def _module(task, model):
    key = (task, model)
    if key not in _loaded:
        _loaded[key] = evaluate.load(MODULE, task, model=model)
    return _loaded[key]


def default_model(task):
    root = os.environ.get("LMM4LMM_MODEL_DIR")
    return str(Path(root) / FOLDERS[task]) if root else f"IntMeGroup/{FOLDERS[task]}"


def score(image, prompt, question, task, model):
    if image is None:
        raise gr.Error("Upload an image first.")
    if task == "qa" and not (question or "").strip():
        raise gr.Error("The QA checkpoint answers a yes/no question: type one.")
    kwargs = {"images": [image], "prompts": [prompt or ""]}
    if task == "qa":
        kwargs["questions"] = [question]
    try:
        results = _module(task, model or default_model(task)).compute(**kwargs)
    except (OSError, ValueError) as err:
        raise gr.Error(str(err)) from err
    names = [name for name, values in results.items() if isinstance(values, list) and name != "cached"]
    return {name: results[name][0] for name in names}


with gr.Blocks(title="LMM4LMM") as demo:
    gr.Markdown("# LMM4LMM\nEvalMi-50K's judge: perceptual quality, text-image correspondence, yes/no QA.")
    with gr.Row():
        image = gr.Image(type="pil", label="Generated image")
        with gr.Column():
            prompt = gr.Textbox(label="Prompt the image was generated for")
            question = gr.Textbox(label="Question (QA only)")
            task = gr.Radio(list(FOLDERS), value="perception", label="Checkpoint")
            model = gr.Textbox(label="Model folder or hub id (empty: the task's default)")
            button = gr.Button("Score", variant="primary")
    output = gr.JSON(label="Scores")
    button.click(score, inputs=[image, prompt, question, task, model], outputs=output)

if __name__ == "__main__":
    demo.launch()
