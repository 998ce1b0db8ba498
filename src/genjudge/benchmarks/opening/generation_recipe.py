"""How the official OpenING pipeline generators talk to their two models: pure functions, no I/O.

The pipelines that lead the official board pair a chat model with a text-to-image model
(LanceZPF/OpenING ``generator_codes/gpt-dalle_inference.py``, ``gemini-flux_inference{1,2}.py`` and
their ``-RAG`` variants). Their recipe, followed here step by step:

1. **Ask.** The system message is the official ``prompts/zero-shot_generation_system.txt``, shipped
   unchanged as ``generation_prompts/zero-shot_generation_system.txt`` (the one text of theirs in
   genjudge, kept verbatim because the answers depend on its wording; the Gemini script's
   ``few-shot_generation_system.txt`` was never published, so the zero-shot one is used for both,
   as their RAG script does). The user message holds every input step, in order: its text
   (stripped; the first prefixed with ``The number of generated text-image pairs can be <N>: ``,
   ``N`` the number of gold output steps) followed by its image as a base64 data URL.
2. **Split.** The answer is cut at each ``<IMG>`` marker; an answer without one gets one at the
   end; empty parts are dropped and ``**`` removed from the texts, as their ``save_results`` does.
   The Gemini recipe also drops ``<br>`` and, when the answer has more parts than the gold answer
   has steps, keeps it as one step with the markers taken out (each replaced by a space: the
   official chain of ``replace`` calls glues the words around a marker together).
3. **Draw.** Steps ``0 … min(N, parts) - 1`` each get one image, drawn from the step's text with
   the task context put around it in the recipe's words (:func:`image_prompt`); later steps keep
   no image, as in the official scripts (a judge sees the step without a picture).

RAG (``*-RAG.py``, the answers ``judge train-data --rag-outputs`` pairs with the plain ones): the
conversation shows the same user message once more before the real one, answered by the gold
output texts (``<image>`` replaced by ``<IMG>``), so the model sees a correct answer to imitate;
in the Gemini recipe each image is then drawn from the *gold* step's text with every input text
as context (``gemini-flux_inference2-RAG.py``).

Departures, each because a genjudge generator cannot do otherwise: the official Flux run redraws
from the first input (or gold) image with an image-to-image pipeline when the instance has one; a
:class:`~genjudge.generation.protocol.TextToImageGenerator` draws from text only, as the DALL-E
pipeline does. The official scripts re-ask the chat model until it answers; here an empty or
refused answer fails the instance, which the next run retries.
"""

from __future__ import annotations

import base64
import io
import re
from importlib import resources
from typing import Any, Literal

from PIL import Image

from genjudge.core.records import Instance, Step

Recipe = Literal["gpt-dalle", "gemini-flux"]
RECIPES: tuple[Recipe, ...] = ("gpt-dalle", "gemini-flux")
MARKER = "<IMG>"
RECIPE_VERSION = "1"
"""Bumped whenever a prompt or the splitting changes: it goes into the run manifest."""


def system_prompt() -> str:
    """The official zero-shot generation system message, verbatim (module docstring)."""
    return (
        resources.files("genjudge.benchmarks.opening")
        .joinpath("generation_prompts", "zero-shot_generation_system.txt")
        .read_text(encoding="utf-8")
    )


def template_version(recipe: Recipe, rag: bool) -> str:
    return f"opening-pipeline/{recipe}/{'rag' if rag else 'zero-shot'}/v{RECIPE_VERSION}"


def check_recipe(recipe: str) -> Recipe:
    if recipe not in RECIPES:
        raise ValueError(f"unknown pipeline recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
    return recipe  # type: ignore[return-value]


def image_data_url(data: bytes) -> str:
    """The image bytes as they are, as a data URL of their own type (the official scripts send the file)."""
    with Image.open(io.BytesIO(data)) as image:
        kind = (image.format or "JPEG").lower()
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


def count_prefix(instance: Instance) -> str:
    return f"The number of generated text-image pairs can be {len(instance.output_steps)}: "


def user_content(instance: Instance, recipe: Recipe) -> list[dict[str, Any]]:
    """The user message's parts: each input text (the first with the count prefix), then its image."""
    parts: list[dict[str, Any]] = []
    for index, step in enumerate(instance.input_steps):
        text = step.text.strip()
        if recipe == "gpt-dalle":
            text = text.replace("semi-naked", "no ")  # the GPT script's own wording fix, kept
        if index == 0:
            text = count_prefix(instance) + text
        parts.append({"type": "text", "text": text})
        if step.image is not None:
            parts.append({"type": "image_url", "image_url": {"url": image_data_url(step.image)}})
    return parts


def gold_answer(instance: Instance) -> list[dict[str, Any]]:
    """The RAG example answer: the gold output texts, their image placeholders as markers."""
    return [
        {"type": "text", "text": step.text.strip().replace("<image>", MARKER)}
        for step in instance.output_steps
    ]


def conversation(instance: Instance, recipe: Recipe, *, rag: bool) -> list[dict[str, Any]]:
    """The chat messages the official recipe sends for ``instance`` (module docstring, step 1)."""
    content = user_content(instance, recipe)
    messages: list[dict[str, Any]] = [{"role": "system", "content": system_prompt()}]
    if rag:
        messages += [
            {"role": "user", "content": content},
            {"role": "assistant", "content": gold_answer(instance)},
        ]
    messages.append({"role": "user", "content": content})
    return messages


def split_answer(answer: str, gold_steps: int, recipe: Recipe) -> list[str]:
    """The answer's steps, cut at the markers (module docstring, step 2); never empty."""
    if recipe == "gemini-flux":
        answer = answer.replace("<br>", "").strip()
    if MARKER not in answer:
        answer += MARKER
    parts = [part.strip() for part in answer.split(MARKER) if part.strip()]
    if recipe == "gemini-flux" and len(parts) > gold_steps:
        parts = [re.sub(rf"\s*{re.escape(MARKER)}\s*", " ", answer).strip()]
    texts = [part.replace("**", "") for part in parts]
    return texts or [""]


def illustrated_steps(instance: Instance, texts: list[str]) -> int:
    """How many leading steps get an image: as many as the gold answer has, at most."""
    return min(len(instance.output_steps), len(texts))


def image_prompt(instance: Instance, index: int, text: str, recipe: Recipe, *, rag: bool) -> str:
    """The text-to-image prompt of step ``index`` whose answer text is ``text`` (step 3)."""
    first = instance.input_steps[0].text.strip() if instance.input_steps else ""
    if recipe == "gpt-dalle":
        context = count_prefix(instance) + first.replace("semi-naked", "no ")
        return (
            f"Please generate images using seed 5000. The context of this task is: {context}. "
            f"The prompt for this generation is: {text}. Seed:5000. - {index:04d}"
        )
    if rag:
        text = _gold_text(instance.output_steps, index, text)
        first = "".join(step.text.strip() for step in instance.input_steps)
    return f"The prompt for this generation is: {text}. The context of this task is: {first}."


def _gold_text(gold: tuple[Step, ...], index: int, fallback: str) -> str:
    return gold[index].text.strip() if index < len(gold) else fallback
