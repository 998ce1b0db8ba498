"""Write the embedded EvalMi-50K sample to src/genjudge/benchmarks/evalmi/sample_data/ (deterministic).

Usage: PYTHONPATH=src python scripts/make_evalmi_sample.py   (or with genjudge installed)

The sample follows the official layout exactly (MOS&QA/AIGI2025_MOS_yn.xlsx, MOS&QA/question.xlsx,
prompts/prompt_tasks.jsonl, <generator>/<NNN>.png, data/{train,test}_AIGI_{mos1,mos2,qa}_fold_1.jsonl)
through support.evalmi_layout. Prompts, questions and pictures are written and drawn
here; nothing is copied from the release. One prompt keeps the release's best-known irregularity:
two sub-questions in one sheet cell.

Five fictional generators differ in quality: each draws the prompt's shape in the prompt's colour
with pixel noise (more for weaker models), and weaker models sometimes draw the wrong shape. The
human scores are simulated from those same draws (noise -> perception, right shape and colour ->
correspondence and yes/no answers) plus rater noise. ``metric_scores.csv`` is a metric submission
from a simple image statistic (low pixel noise = high score), so the demo has something to rank.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# The sample writers are test support, not part of the installed library.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.evalmi_layout import MosEntry, PromptEntry, sort_like_release, write_release

from genjudge.benchmarks.evalmi.names import image_name

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "genjudge" / "benchmarks" / "evalmi" / "sample_data"
SIZE = 24
Q = "Answer yes or no."

# (generator, pixel noise, chance of drawing the wrong shape)
GENERATORS = [
    ("Aurora-XL", 4, 0.0),
    ("Brushwork-2", 12, 0.1),
    ("Canvas-Lite", 24, 0.25),
    ("Doodle-256", 40, 0.4),
    ("Echo-Gen", 60, 0.6),
]

COLOURS = {"red": (210, 50, 40), "blue": (40, 90, 200), "green": (40, 140, 60), "yellow": (245, 215, 40)}
SHAPES = ("circle", "square", "triangle")

# (prompt, tag, shape, colour)
PROMPTS = [
    ("a red circle on a white wall", "single_class", "circle", "red"),
    ("a blue square tile", "single_class", "square", "blue"),
    ("a green triangle flag", "shapes", "triangle", "green"),
    ("a yellow circle like the sun", "colors", "circle", "yellow"),
    ("a red square box", "color_attr", "square", "red"),
    ("a blue triangle sail", "shapes", "triangle", "blue"),
    ("a green circle of grass seen from above", "view", "circle", "green"),
    ("a yellow square sticky note", "colors", "square", "yellow"),
    ("a red triangle warning sign", "OCR", "triangle", "red"),
    ("a blue circle pond at noon", "time and light", "circle", "blue"),
    ("a green square garden bed", "scene", "square", "green"),
    ("a yellow triangle slice of cheese", "single_class + detail", "triangle", "yellow"),
]


def prompt_entry(text: str, tag: str, shape: str, colour: str, index: int) -> PromptEntry:
    overall = (
        f'Are the text descriptions "image contain {shape}" and "the {shape} is {colour}" all correct? {Q}'
    )
    shape_q = f"Does the image contain a {shape}?{Q}"
    colour_q = f"Is the {shape} {colour}?{Q}"
    # Prompt 5 keeps the release's irregularity: both sub-questions in one cell.
    cells = [overall, shape_q + colour_q] if index == 5 else [overall, shape_q, colour_q]
    fields: dict[str, object] = {"include": [{"class": shape, "count": 1, "color": colour}]}
    if tag == "time and light":
        fields.update({"time": "noon", "light": "bright", "direction": "from above"})
    return PromptEntry(prompt=text, question_cells=cells, tag=tag, task_fields=fields)


def draw(shape: str, colour: tuple[int, int, int], noise: int, rng: np.random.Generator) -> np.ndarray:
    image = Image.new("RGB", (SIZE, SIZE), (245, 245, 240))
    pen = ImageDraw.Draw(image)
    box = (5, 5, SIZE - 5, SIZE - 5)
    if shape == "circle":
        pen.ellipse(box, fill=colour)
    elif shape == "square":
        pen.rectangle(box, fill=colour)
    else:
        pen.polygon([(SIZE // 2, 4), (SIZE - 4, SIZE - 5), (4, SIZE - 5)], fill=colour)
    pixels = np.asarray(image, dtype=np.int16)
    # Quantised noise keeps the PNGs small while still differing per model.
    jitter = (rng.integers(-noise, noise + 1, size=pixels.shape) // 8) * 8 if noise else 0
    return np.clip(pixels + jitter, 0, 255).astype(np.uint8)


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def noise_score(pixels: np.ndarray) -> float:
    """The sample metric: minus the mean absolute difference between neighbouring pixels."""
    values = pixels.astype(np.float64)
    return -float(np.abs(np.diff(values, axis=0)).mean() + np.abs(np.diff(values, axis=1)).mean())


def main() -> None:
    rng = np.random.default_rng(2025)
    prompts = [prompt_entry(*spec, index) for index, spec in enumerate(PROMPTS, start=1)]
    images: dict[str, bytes] = {}
    ratings: dict[str, MosEntry] = {}
    metric: dict[str, float] = {}
    for generator, noise, wrong_rate in GENERATORS:
        for index, (_, _, shape, colour) in enumerate(PROMPTS, start=1):
            drawn = (
                shape if rng.random() >= wrong_rate else str(rng.choice([s for s in SHAPES if s != shape]))
            )
            pixels = draw(drawn, COLOURS[colour], noise, rng)
            name = image_name(generator, index)
            images[name] = png(pixels)
            metric[name] = round(noise_score(pixels), 4)
            shape_right = drawn == shape
            perception = 72 - 0.7 * noise + rng.normal(0, 3)
            correspondence = (64 if shape_right else 34) - 0.15 * noise + rng.normal(0, 3)
            answer_shape = int(shape_right if rng.random() > 0.05 else not shape_right)
            answer_colour = int(rng.random() > 0.05)
            ratings[name] = MosEntry(
                image_name=name,
                mos1=round(float(perception), 6),
                mos2=round(float(correspondence), 6),
                answers=[answer_shape * answer_colour, answer_shape, answer_colour],
            )
    order = sort_like_release(list(ratings))
    folds = {}
    for split, indexes in (("train", range(1, 9)), ("test", range(9, 13))):
        names = [n for n in order if int(n.split("/")[1].removesuffix(".png")) in indexes]
        for task, attribute, question in (
            ("mos1", "mos1", "How would you rate the quality of this image?"),
            ("mos2", "mos2", "How would you rate the correspondence of this image and its prompt?"),
        ):
            folds[(task, split)] = [
                {
                    "image": name,
                    "mos": getattr(ratings[name], attribute),
                    "conversations": [
                        {"from": "human", "value": f"<image>\n{question}"},
                        {"from": "gpt", "value": "The quality of the image is good."},
                    ],
                }
                for name in names
            ]
        folds[("qa", split)] = [
            {
                "image": name,
                "conversations": [
                    {
                        "from": "human",
                        "value": f"<image>\n{PROMPTS[int(name.split('/')[1][:-4]) - 1][0]}? {Q}",
                    },
                    {"from": "gpt", "value": "Yes" if ratings[name].answers[0] else "No"},
                ],
            }
            for name in names
        ]
    if OUT.exists():
        shutil.rmtree(OUT)
    write_release(OUT, prompts, [ratings[name] for name in order], images, folds)
    median = float(np.median(list(metric.values())))
    with (OUT / "metric_scores.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_name", "score", "qa"])
        for name in order:
            guess = "yes" if metric[name] >= median else "no"
            writer.writerow([name, metric[name], ";".join([guess] * 3)])
    total = sum(path.stat().st_size for path in OUT.rglob("*") if path.is_file())
    print(f"wrote {OUT} ({len(images)} images, {total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
