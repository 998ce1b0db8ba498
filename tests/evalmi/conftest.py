"""A small release in exactly the official EvalMi-50K layout, with the real files' irregularities.

1,371 prompts (so numbers reach four digits and prompt 1371 exists), of which eight are rated for
three generators: 1, 2, 3 (single questions), 999 and 1000 (the three-/four-digit boundary, with
sub-questions), 1069 and 1070 (two sub-questions in one sheet cell, as in the real 1069-1085) and
1371 (spelled differently in ``prompt_tasks.jsonl``, as in the real release). Images are 8x8 PNGs.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from support.evalmi_layout import MosEntry, PromptEntry, sort_like_release, write_release

from genjudge.benchmarks.evalmi.names import image_name

GENERATORS = ("DALLE3", "sd_v2-1", "LlamaGen_256")
RATED = (1, 2, 3, 999, 1000, 1069, 1070, 1371)
PROMPTS = 1371
Q = "Answer yes or no."


def prompt_entry(index: int) -> PromptEntry:
    if index in (999, 1000):
        return PromptEntry(
            prompt=f"a photo of {index} red cubes on a table",
            question_cells=[
                f'Are the text descriptions "red cubes" and "a table" all correct? {Q}',
                f"Does the image contain red cubes?{Q}",
                f"Does the image contain a table?{Q}",
            ],
            tag="counting + color",
            task_fields={"include": [{"class": "cube", "count": 3, "color": "red"}]},
        )
    if index in (1069, 1070):
        return PromptEntry(
            prompt=f'a photo of green phrase "Happy Birthday" on a pink cake ({index})',
            question_cells=[
                f'Are the text descriptions "cake", "green phrase" and "letters correct" all correct? {Q}',
                f'Does the image contain cake?{Q}Does the image contain the phrase "Happy" in green?{Q}',
                f'Does the image contain the phrase "Happy Birthday" with all letters correct?{Q}',
            ],
            tag="OCR + color_attr + single_object",
            task_fields={"include": [{"class": "cake", "color": "pink", "OCR": "Happy Birthday"}]},
        )
    if index == 1371:
        return PromptEntry(
            prompt="there are sun in the sky. The weather is cloudy.",
            question_cells=[f"Does the scene depicted in the image exclude clouds?{Q}"],
            tag="Linguistic Structures",
            tasks_prompt="there are no sun in the sky. The weather is cloudy.",
            task_fields={"include": [{"class": "sun"}]},
        )
    if index == 3:
        return PromptEntry(
            prompt="a quiet harbour at early morning, soft light from the east",
            question_cells=[f"Is the scene at early morning?{Q}"],
            tag="time and light",
            task_fields={"time": "early morning", "light": "soft", "direction": "from the east"},
        )
    return PromptEntry(
        prompt=f"a photo of object number {index}",
        question_cells=[f"Does the image contain object number {index}? {Q}"],
        tag="single_class",
        task_fields={"include": [{"class": f"object {index}", "count": 1}]},
    )


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def fixture_ratings() -> list[MosEntry]:
    names = sort_like_release([image_name(g, i) for g in GENERATORS for i in RATED])
    entries = []
    for position, name in enumerate(names):
        generator, number = name.split("/")
        index = int(number.removesuffix(".png"))
        questions = sum(len(c.split(f"{Q}D")) for c in prompt_entry(index).question_cells)
        quality = GENERATORS.index(generator)
        entries.append(
            MosEntry(
                image_name=name,
                mos1=70.0 - 10 * quality - (position % 5) * 0.7,
                mos2=65.0 - 12 * quality - (position % 7) * 0.9,
                answers=[(position + k) % 2 for k in range(questions)],
            )
        )
    return entries


def fixture_folds() -> dict[tuple[str, str], list[dict]]:
    def record(name: str, mos: float | None, question: str, answer: str) -> dict:
        return {
            "image": f"/mnt/data/AIGI2025/G1/{name}",
            **({} if mos is None else {"mos": mos}),
            "conversations": [
                {"from": "human", "value": f"<image>\n{question}"},
                {"from": "gpt", "value": answer},
            ],
        }

    train = [image_name(g, i) for g in GENERATORS for i in RATED[:5]]
    test = [image_name(g, i) for g in GENERATORS for i in RATED[5:]]
    folds = {}
    for split, names in (("train", train), ("test", test)):
        for task in ("mos1", "mos2"):
            folds[(task, split)] = [
                record(n, 50.0, "How would you rate the quality of this image?", "The quality is good.")
                for n in names
            ]
        folds[("qa", split)] = [
            record(n, None, f"Does the image contain object {k}? {Q}", "Yes") for n in names for k in (1, 2)
        ]
    return folds


def write_fixture_release(root: Path, *, with_images: bool = True, with_folds: bool = True) -> Path:
    ratings = fixture_ratings()
    images = {}
    if with_images:
        images = {r.image_name: png((int(r.mos1 * 3) % 256, int(r.mos2 * 3) % 256, 90)) for r in ratings}
    return write_release(
        root,
        [prompt_entry(i) for i in range(1, PROMPTS + 1)],
        ratings,
        images,
        fixture_folds() if with_folds else None,
    )


@pytest.fixture(scope="session", autouse=True)
def offline_and_private_cache(tmp_path_factory: pytest.TempPathFactory):
    """No Hub access, and dataset caches in a temporary folder instead of the user's ~/.cache."""
    import datasets.config
    import huggingface_hub.constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path_factory.mktemp("hf-datasets-cache"))
        patch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
        patch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield


@pytest.fixture(scope="session")
def fixture_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture release, written once; tests must not modify it (use ``release_copy``)."""
    return write_fixture_release(tmp_path_factory.mktemp("evalmi") / "release")


@pytest.fixture
def release_copy(tmp_path: Path, fixture_release: Path) -> Path:
    """A copy of the fixture release that a test may break on purpose."""
    import shutil

    target = tmp_path / "release"
    shutil.copytree(fixture_release, target)
    return target


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory: pytest.TempPathFactory, fixture_release: Path) -> Path:
    from genjudge.benchmarks.evalmi.repo import build_repo

    out = tmp_path_factory.mktemp("built") / "evalmi-50k"
    build_repo(fixture_release, out, progress=False)
    return out
