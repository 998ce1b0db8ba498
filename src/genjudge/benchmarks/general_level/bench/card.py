"""The dataset card (README.md) and ``eval.yaml`` of a built General-Bench dataset repository."""

from __future__ import annotations

import yaml
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from genjudge.benchmarks.general_level.bench.answers import ANSWER_FIELDS
from genjudge.benchmarks.general_level.bench.metric_table import markdown_table
from genjudge.benchmarks.general_level.bench.schema import FEATURES
from genjudge.hub.publish import size_category

SPLIT = "test"
HOMEPAGE = "https://generalist.top/"
SOURCE_REPO = "https://github.com/path2generalist/General-Level"
HUB_RELEASES = ("General-Level/General-Bench-Openset", "General-Level/General-Bench-Closeset")
CITATION = """@article{fei2025pathmultimodalgeneralist,
  title   = {On Path to Multimodal Generalist: General-Level and General-Bench},
  author  = {Fei, Hao and Zhou, Yuan and Li, Juncheng and Li, Xiangtai and Xu, Qingshan and Li, Bobo and
             Wu, Shengqiong and Wang, Yaoting and Zhou, Junbao and Meng, Jiahao and others},
  journal = {arXiv preprint arXiv:2505.04620},
  note    = {ICML 2025},
  year    = {2025}
}"""


def card_data(
    config_sizes: dict[str, int | None], config_bytes: dict[str, int] | None = None
) -> DatasetCardData:
    """The YAML header: one config per modality x paradigm (plus nlp), features, metadata.

    A size of None (the template card, written before any build) leaves that split's counts out.
    """
    known = [count for count in config_sizes.values() if count is not None]
    data = DatasetCardData(
        pretty_name="General-Bench",
        license="unknown",
        language=["en"],
        task_categories=["any-to-any"],
        tags=["benchmark", "multimodal", "general-level", "evaluation", "genjudge"],
        size_categories=[size_category(sum(known))] if known else None,
        configs=[
            {"config_name": config, "data_files": [{"split": SPLIT, "path": f"data/{config}-*"}]}
            for config in config_sizes
        ],
    )
    infos = {}
    for config, count in config_sizes.items():
        splits = SplitDict()
        if count is not None:
            splits.add(SplitInfo(SPLIT, num_bytes=(config_bytes or {}).get(config, 0), num_examples=count))
        infos[config] = DatasetInfo(features=FEATURES, splits=splits or None)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data


FIELDS = (
    ("`id`", "string", "the record id within its task (a string here even where the release has an integer)"),
    ("`task`", "string", "the task name of `annotation.json`"),
    ("`task_folder`", "string", "the task's folder in the release, e.g. `image/comprehension/<Task>`"),
    ("`type`", "string", "the task type of `annotation.json` (null when absent)"),
    ("`sheet`", "string", "the reference-sheet tab of the task (`Image-Comprehension`, `NLP`, ...)"),
    (
        "`task_short_name`, `metric`, `sota`",
        "string, string, float",
        "from the reference sheet; null when the task is not in it",
    ),
    (
        "`input`, `output`",
        "string (JSON)",
        "the record's `input` and `output` as released, as JSON text; `output` is null in the close set",
    ),
    (
        "`input_images`, `output_images`",
        "list of images",
        "the image files the input / output refer to, bytes as stored; `path` is the file in the task folder",
    ),
    (
        "`input_files`, `output_files`",
        "list of `{path, kind, bytes}`",
        "every other referenced file; `kind` is `audio`, `video`, `3d` or `other`",
    ),
)


def fields_table() -> str:
    rows = ["| Field | Type | Meaning |", "|---|---|---|"]
    rows.extend(f"| {name} | {kind} | {meaning} |" for name, kind, meaning in FIELDS)
    return "\n".join(rows)


def _records(count: int | None) -> str:
    return "(counted when built)" if count is None else f"{count:,}"


def render_card(
    config_sizes: dict[str, int | None],
    config_tasks: dict[str, int],
    config_bytes: dict[str, int] | None = None,
) -> str:
    """The complete README.md of a repository holding the given configs."""
    header = card_data(config_sizes, config_bytes).to_yaml()
    config_rows = "\n".join(
        f"| `{config}` | {config_tasks.get(config, 0)} | {_records(count)} |"
        for config, count in config_sizes.items()
    )
    first = next(iter(config_sizes), "nlp")
    answer_fields = ", ".join(f"`{name}`" for name in ANSWER_FIELDS)
    return f"""---
{header}
---

# General-Bench (multimodal generalist benchmark)

General-Bench is the task suite behind General-Level, a five-level scale of how general a
multimodal model is: about 700 tasks (699 in the reference sheet) over images, video, audio, 3D and
language, each either
*comprehension* (the model answers about its input) or *generation* (the model produces an image,
video, audio clip or shape). Every task comes with the metric and the best specialist model's score
of the General-Level reference sheet, so a model's per-task scores can be placed against the
specialists and turned into Levels 2-5.

This repository holds the release in Parquet form, built with
[genjudge](https://github.com/genjudge/genjudge) (`genjudge data build general-bench`) from the
released tree (`{HUB_RELEASES[0]}`; the close set `{HUB_RELEASES[1]}` ships inputs only) and the
reference sheet `references/sota_result.xlsx` of [path2generalist/General-Level]({SOURCE_REPO}).
Project page and leaderboard: {HOMEPAGE}.

## Configs

One config per modality x paradigm, plus `nlp`; each has a single `{SPLIT}` split.

| Config | Tasks | Records |
|---|---:|---:|
{config_rows}

## Loading

```python
import json
from datasets import load_dataset

ds = load_dataset("path/or/repo-id", "{first}", split="{SPLIT}")
row = ds[0]
task_input = json.loads(row["input"])  # the record's input, shaped as the task defines it
images = row["input_images"]  # PIL images the input refers to
for media in row["input_files"]:  # audio / video / 3D files, raw bytes
    print(media["path"], media["kind"], len(media["bytes"]))
```

## Fields

{fields_table()}

`input` and `output` are JSON text because their shape differs from task to task (a prompt and an
audio file name, a table, a list of boxes, a folder of frames); one schema then covers every task.
Media are found by looking every string of a record up among the files of its task folder (by
relative path or unique trailing path; a folder name stands for the frames inside it) and are
embedded byte for byte. Images use `datasets.Image` and decode to PIL with no extra package.
Audio and video are kept as raw bytes with their file name instead of `datasets.Audio` /
`datasets.Video`, whose decoding needs torchcodec and FFmpeg: with raw bytes `load_dataset` works
everywhere, and any decoder (soundfile, PyAV, torchcodec) reads `bytes` directly. Cast
`input_images` to `List(Image(decode=False))` to get the stored path and bytes without decoding.

## Scoring predictions

`genjudge general-level evaluate --bench DIR --predictions DIR --out results.xlsx` reads a model's
`prediction.json` next to each task (`[{{"id", "prediction"}}]`, or the website's wrapper
`{{"task", "skill", "type", "data": [...]}}`), computes the task's metric with the library below and
writes the per-task scores as a result sheet in the official layout (empty cell = unsupported).
Metric names are matched without case, spaces or punctuation. The reference answer of a record is
its `output` value itself, its only field, or the first field named {answer_fields}; for image metrics
it is the image the output names, for CLIP score the prompt of the input. Bad input (ids not in the
task, duplicates, missing predictions, a non-numeric prediction for a numeric metric) stops the run
with an error naming the file, record and field. `genjudge general-level coverage --sota SHEET`
counts the sheet's tasks whose metric is implemented, by metric name.

{markdown_table()}

## License and provenance

The General-Bench authors do not state a license on the release; its tasks are drawn from many
public datasets, each under its own terms. Treat it as research-only data and check the upstream
repositories before any other use.

## Citation

```bibtex
{CITATION}
```
"""


def render_eval_yaml(configs: list[str]) -> str:
    """``eval.yaml`` registering the configs as Hub benchmark tasks (name, description, tasks)."""
    doc = {
        "name": "General-Bench",
        "description": (
            "General-Level / General-Bench: about 700 comprehension and generation tasks over image, video, "
            "audio, 3D and language. Each task is scored with its own metric against the best specialist; "
            "the General-Level scale turns the per-task scores into Levels 2-5."
        ),
        "tasks": [{"id": config, "config": config, "split": SPLIT} for config in configs],
    }
    return yaml.safe_dump(doc, sort_keys=False, width=100)


OFFICIAL_TASKS = {
    "nlp": 115,
    "image_comprehension": 271,
    "image_generation": 45,
    "video_comprehension": 126,
    "video_generation": 46,
    "audio_comprehension": 24,
    "audio_generation": 20,
    "3d_comprehension": 30,
    "3d_generation": 22,
}
"""Tasks per config in the official reference sheet (699 in all), for the template card."""


def template_files() -> dict[str, str]:
    """Card and eval.yaml for the public release, as kept in ``dataset_scripts/general_bench/``."""
    sizes: dict[str, int | None] = dict.fromkeys(OFFICIAL_TASKS)
    return {
        "README.md": render_card(sizes, OFFICIAL_TASKS),
        "eval.yaml": render_eval_yaml(list(OFFICIAL_TASKS)),
    }
