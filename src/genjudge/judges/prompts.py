"""Prompt builders for the OpenING judges: pairwise verdicts (IntJudge, API judges) and 7-criterion scores.

The *layout* reproduces the official OpenING judge scripts exactly, because the released IntJudge
checkpoint was fine-tuned on it and its verdicts depend on it:

- one system message, then one user message whose parts are texts and images in reading order;
- the input starts with ``<INPUT>: ``; answer A with ``<OUTPUT_A>: `` (``\\n<OUTPUT_A>:`` when its
  first text is empty or it has no steps); answer B with ``\\n<OUTPUT_B>: `` (same rule);
- ``<BEGIN>`` is removed from input texts and ``<image>`` from all texts; texts are stripped;
- every step that has an image gets `` <IMG_k></IMG_k>`` appended to its text and the image placed
  right after it, with ``k`` counting images from 0 across the input, answer A and answer B;
- the user message ends with the request line of the official script being followed: IntJudge's
  asks for one of the four verdict strings (``VERDICT_REQUEST``), the GPT judge's asks which model
  is better (``GPT_VERDICT_REQUEST``), the GPT scorer's asks for the JSON (``SCORE_REQUEST``).

Two built-in system messages (``BUILTIN_PAIRWISE_PROMPTS``):

- ``"intjudge"``: the one sentence the official ``IntJudge_judge_AB.py`` sends (its ``__main__``
  sets it; the longer ``prompts/qwen_judge_system.txt`` is commented out there). The released
  IntJudge weights were fine-tuned with it, so it is the default of the ``intjudge`` backend and of
  ``genjudge judge train``.
- ``"genjudge"``: genjudge's own wording, spelling out the layout and the 7 criteria; the default
  of the ``api`` backend, whose official counterpart (``GPT_judge_AB.py``) sends a long criteria
  prompt that genjudge does not redistribute.

Any other wording comes from a local file (``system_prompt_path=``, e.g. the official
``prompts/judge_system.txt``); the prompt version then becomes a hash of that text, so cached
verdicts made with one prompt are never reused for another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from genjudge.core.records import Step
from genjudge.judges.protocol import PairwiseItem

PROMPT_VERSION = "opening-pairwise-v1"
"""Version of the built-in pairwise prompt (layout + genjudge's instruction text)."""

INTJUDGE_PROMPT_VERSION = "opening-pairwise-intjudge-v1"
"""Version of the pairwise prompt with the official IntJudge system message (same layout)."""

SCORE_PROMPT_VERSION = "opening-score-v2"
"""Version of the built-in 7-criterion scoring prompt (v2: the 0-10 scale and request line of
``GPT_score_A.py``)."""

VERDICT_STRINGS: dict[str, str] = {
    "A": "A is better",
    "B": "B is better",
    "Tie(A)": "Tie(A is better)",
    "Tie(B)": "Tie(B is better)",
}
"""What the judge is asked to answer for each verdict label, exactly as the official script asks."""

VERDICT_REQUEST = (
    '\nPlease directly output "A is better" or "B is better" or "Tie(A is better)" or "Tie(B is better)": \n'
)
"""The last line of IntJudge's pairwise user message (``IntJudge_judge_AB.py``): the answer format
the fine-tuned judge was trained on."""

GPT_VERDICT_REQUEST = "\nPlease only output which model is better: "
"""The last line of the GPT judge's pairwise user message (``GPT_judge_AB.py``)."""

VERDICT_REQUESTS: dict[str, str] = {"intjudge": VERDICT_REQUEST, "gpt": GPT_VERDICT_REQUEST}
"""The pairwise request lines by the official script they come from."""

SCORE_CRITERIA: tuple[str, ...] = (
    "Correctness",
    "Image-Text Coherency",
    "Multi-step Consistency",
    "Content Quality",
    "Human Preference Alignment",
    "Completeness",
    "Content Richness",
)
"""The official single-output criteria, most important first, spelled as the official JSON keys."""

_CRITERIA_GUIDE = """\
1. Correctness: the text and images are present, accurate, logical and plausible for the request.
2. Image-Text Coherency: each image shows what its text says.
3. Multi-step Consistency: style and entities stay consistent across images; steps follow on.
4. Content Quality: images are clear and realistic; text is well formed.
5. Human Preference Alignment: nothing objectionable; images are pleasing.
6. Completeness: every requested step is delivered.
7. Content Richness: varied images and detailed, meaningful text.
"""
"""What each of ``SCORE_CRITERIA`` means, in order; both prompts show it, so both judge by the same rules."""

PAIRWISE_SYSTEM_PROMPT = (
    """\
You are an impartial referee for open-ended interleaved image-and-text generation. You receive a \
request, introduced by <INPUT>:, which may contain images of its own, and two candidate answers to \
it: the answer of model A, introduced by <OUTPUT_A>:, and the answer of model B, introduced by \
<OUTPUT_B>:. Decide which answer fulfils the request better.

Images are numbered 0, 1, 2, ... in order of appearance across the request, answer A and answer B. \
The tag pair <IMG_i></IMG_i> stands right before image number i.

Weigh these aspects, the first ones most:
"""
    + _CRITERIA_GUIDE
    + """
Reply with exactly one of "A is better", "B is better", "Tie(A is better)" or "Tie(B is better)". \
Use a tie when both answers are about equally good, naming the one that is slightly better.
"""
)

INTJUDGE_SYSTEM_PROMPT = (
    "You are an impartial judge in multimodal content evaluation. Given a referenced input question "
    "(marked by <INPUT>: ), your task is to compare the quality of the answers generated by model A "
    "(marked by <OUTPUT_A>: ) and model B (marked by <OUTPUT_B>: ), and judge which one is better.\n"
)
"""The system message of the official ``IntJudge_judge_AB.py``, character for character (trailing
newline included): the one the released IntJudge weights were fine-tuned with."""

REFERENCE_NOTE = (
    "\nA reference answer written by a person follows the request, introduced by <REFERENCE>:. "
    "Use it as guidance on what a good answer contains; other good answers are possible.\n"
)
"""Appended to the system message when a gold reference is shown (not part of the official prompt)."""

SCORE_SYSTEM_PROMPT = (
    """\
You rate one answer of a model that generates interleaved images and text. The request, \
introduced by INPUT:, is a question or an instruction and may contain images. The model's answer \
is introduced by OUTPUT:.

Images are numbered 0, 1, 2, ... in order of appearance across the request and the answer. The tag \
pair <IMG_i></IMG_i> stands right before image number i.

Rate the answer on each of these criteria, the first ones most important, with an integer from 0 \
to 10 and a short justification. 0-2: serious failings; 3-5: noticeable problems; 6-8: good, \
with room to improve; 9-10: excellent.
"""
    + _CRITERIA_GUIDE
    + """
Reply with one JSON object and nothing else, shaped like this:
{"scores": {"Correctness": {"Score": 7, "Justification": "..."}, "Image-Text Coherency": {...}, \
"Multi-step Consistency": {...}, "Content Quality": {...}, "Human Preference Alignment": {...}, \
"Completeness": {...}, "Content Richness": {...}}}
"""
)

SCORE_REQUEST = "\nPlease only output the json result: "
"""The last line of the scoring user message, as ``GPT_score_A.py`` ends it."""

SCORE_FUNCTION_NAME = "evaluate_multimodal_content"


def _criterion_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"Score": {"type": "integer"}, "Justification": {"type": "string"}},
        "required": ["Score", "Justification"],
    }


SCORE_FUNCTION: dict[str, Any] = {
    "name": SCORE_FUNCTION_NAME,
    "description": "Evaluate the quality of interleaved image-text content based on specific criteria",
    "parameters": {
        "type": "object",
        "properties": {criterion: _criterion_schema() for criterion in SCORE_CRITERIA},
        "required": list(SCORE_CRITERIA),
    },
}
"""The function ``GPT_score_A.py`` forces the model to call: one Score/Justification object per
criterion. Function calling makes the reply valid JSON of this shape instead of asking for it."""


def score_tools_request() -> dict[str, Any]:
    """The request fields that force a call of ``SCORE_FUNCTION``, in the current ``tools`` form
    (the official script uses the older, equivalent ``functions``/``function_call`` fields)."""
    return {
        "tools": [{"type": "function", "function": SCORE_FUNCTION}],
        "tool_choice": {"type": "function", "function": {"name": SCORE_FUNCTION_NAME}},
    }


@dataclass(frozen=True)
class PromptImage:
    """An image in a prompt: its number in the ``<IMG_k>`` sequence and its encoded bytes."""

    number: int
    data: bytes


PromptPart = str | PromptImage


@dataclass(frozen=True)
class JudgePrompt:
    """A rendered judge prompt, independent of any model: a system text and the user message parts.

    Backends turn it into their own message format (``to_hf_messages`` for transformers chat
    templates, ``to_openai_messages`` for chat-completions APIs).
    """

    system: str
    parts: tuple[PromptPart, ...]

    @property
    def images(self) -> tuple[bytes, ...]:
        """The images in the order they appear (the order a vision processor must receive them)."""
        return tuple(part.data for part in self.parts if isinstance(part, PromptImage))

    def user_text(self) -> str:
        """The user message with images left out: handy for logs and tests."""
        return "".join(part for part in self.parts if isinstance(part, str))

    def to_hf_messages(self) -> list[dict[str, Any]]:
        """Messages for ``apply_chat_template``: ``{"type": "image"}`` marks where each image goes."""
        content: list[dict[str, Any]] = []
        for part in self.parts:
            if isinstance(part, PromptImage):
                content.append({"type": "image"})
            else:
                content.append({"type": "text", "text": part})
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": content},
        ]

    def to_openai_messages(self, image_url: Callable[[bytes], str]) -> list[dict[str, Any]]:
        """Chat-completions messages; ``image_url`` turns image bytes into a (data) URL."""
        content: list[dict[str, Any]] = []
        for part in self.parts:
            if isinstance(part, PromptImage):
                content.append({"type": "image_url", "image_url": {"url": image_url(part.data)}})
            else:
                content.append({"type": "text", "text": part})
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": content},
        ]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SystemPrompt:
    """A system message and the version string that identifies it in caches."""

    text: str
    version: str

    @classmethod
    def load(cls, path: str | Path | None, *, builtin: str, builtin_version: str) -> SystemPrompt:
        """The built-in text, or the text of a local file (e.g. the official ``prompts/*.txt``).

        A file's version is ``file-sha256:<16 hex>`` of its text, so editing the file changes it.
        """
        if path is None:
            return cls(text=builtin, version=builtin_version)
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FileNotFoundError(f"system prompt file not found: {file}") from None
        except UnicodeDecodeError as err:
            raise ValueError(f"system prompt file {file} is not UTF-8 text: {err}") from None
        if not text.strip():
            raise ValueError(f"system prompt file {file} is empty")
        return cls(text=text, version=f"{builtin_version}/file-sha256:{_text_hash(text)}")


BUILTIN_PAIRWISE_PROMPTS: dict[str, SystemPrompt] = {
    "intjudge": SystemPrompt(text=INTJUDGE_SYSTEM_PROMPT, version=INTJUDGE_PROMPT_VERSION),
    "genjudge": SystemPrompt(text=PAIRWISE_SYSTEM_PROMPT, version=PROMPT_VERSION),
}
"""The built-in pairwise system messages by name (see the module docstring)."""

BuiltinPrompt = Literal["intjudge", "genjudge"]


def pairwise_system_prompt(path: str | Path | None = None, *, builtin: str = "genjudge") -> SystemPrompt:
    """The pairwise system prompt: the built-in one named ``builtin``, or the text of ``path``.

    A file wins over ``builtin``; its version is keyed on the layout (``PROMPT_VERSION``) and the
    file's text, whatever ``builtin`` says.
    """
    if builtin not in BUILTIN_PAIRWISE_PROMPTS:
        names = ", ".join(repr(name) for name in BUILTIN_PAIRWISE_PROMPTS)
        raise ValueError(f"unknown built-in system prompt {builtin!r}; choose one of {names}")
    chosen = BUILTIN_PAIRWISE_PROMPTS[builtin]
    if path is None:
        return chosen
    return SystemPrompt.load(path, builtin=chosen.text, builtin_version=PROMPT_VERSION)


def score_system_prompt(path: str | Path | None = None) -> SystemPrompt:
    """The 7-criterion scoring system prompt: genjudge's own, or the text of ``path``."""
    return SystemPrompt.load(path, builtin=SCORE_SYSTEM_PROMPT, builtin_version=SCORE_PROMPT_VERSION)


class _ImageCounter:
    """Numbers images across all sections of one prompt, as the official scripts do."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        number = self.next
        self.next += 1
        return number


def _clean(text: str, *, strip_begin: bool) -> str:
    text = text.strip().replace("<image>", "")
    return text.replace("<BEGIN>", "") if strip_begin else text


def _step_parts(
    steps: Sequence[Step], counter: _ImageCounter, *, strip_begin: bool
) -> list[tuple[str, PromptImage | None]]:
    """Each step as (text with its ``<IMG_k></IMG_k>`` marker, image), numbering images in order."""
    out: list[tuple[str, PromptImage | None]] = []
    for step in steps:
        text = _clean(step.text, strip_begin=strip_begin)
        image = None
        if step.image is not None:
            number = counter.take()
            text = f"{text} <IMG_{number}></IMG_{number}>"
            image = PromptImage(number=number, data=step.image)
        out.append((text, image))
    return out


def _flatten(step_parts: list[tuple[str, PromptImage | None]]) -> list[PromptPart]:
    """Steps' (text, image) pairs as the prompt's part sequence, leaving out empty texts."""
    parts: list[PromptPart] = []
    for text, image in step_parts:
        if text:
            parts.append(text)
        if image is not None:
            parts.append(image)
    return parts


def _section(
    steps: Sequence[Step],
    counter: _ImageCounter,
    *,
    header: str,
    empty_header: str,
    strip_begin: bool = False,
) -> list[PromptPart]:
    """One answer section: ``header`` before a non-empty first text, ``empty_header`` otherwise."""
    step_parts = _step_parts(steps, counter, strip_begin=strip_begin)
    if not step_parts:
        return [empty_header]
    first_text, first_image = step_parts[0]
    step_parts[0] = (header + first_text if first_text else empty_header, first_image)
    return _flatten(step_parts)


def _input_section(steps: Sequence[Step], counter: _ImageCounter, *, header: str) -> list[PromptPart]:
    """The request: ``header`` is put before the first text even when it is empty (official)."""
    step_parts = _step_parts(steps, counter, strip_begin=True)
    if not step_parts:
        return [header]
    first_text, first_image = step_parts[0]
    step_parts[0] = (header + first_text, first_image)
    return _flatten(step_parts)


def build_pairwise_prompt(
    question: Sequence[Step],
    output_a: Sequence[Step],
    output_b: Sequence[Step],
    *,
    reference: Sequence[Step] | None = None,
    system: SystemPrompt | None = None,
    request: str = VERDICT_REQUEST,
) -> JudgePrompt:
    """The pairwise judge prompt for one comparison, in the official layout, ending with ``request``.

    With ``reference`` the gold answer is shown after the request as ``\\n<REFERENCE>: ...`` (its
    images numbered in sequence) and ``REFERENCE_NOTE`` is added to the system message. The official
    judges never saw a reference, so this is an extension for reference-augmented judging.
    """
    system = system or pairwise_system_prompt()
    counter = _ImageCounter()
    parts: list[PromptPart] = _input_section(question, counter, header="<INPUT>: ")
    system_text = system.text
    if reference is not None:
        parts += _section(
            reference, counter, header="\n<REFERENCE>: ", empty_header="\n<REFERENCE>:", strip_begin=True
        )
        system_text += REFERENCE_NOTE
    parts += _section(output_a, counter, header="<OUTPUT_A>: ", empty_header="\n<OUTPUT_A>:")
    parts += _section(output_b, counter, header="\n<OUTPUT_B>: ", empty_header="\n<OUTPUT_B>:")
    parts.append(request)
    return JudgePrompt(system=system_text, parts=tuple(parts))


def item_prompt(
    item: PairwiseItem, *, system: SystemPrompt, include_reference: bool, request: str = VERDICT_REQUEST
) -> JudgePrompt:
    """The pairwise prompt for one ``PairwiseItem``, as every prompt-based backend shows it.

    A judge configured to see the reference refuses an item without one rather than silently
    judging it blind (its verdicts would be cached under the ``+reference`` prompt version).
    """
    if include_reference and item.reference is None:
        raise ValueError("include_reference=True but the item has no reference steps")
    return build_pairwise_prompt(
        item.question,
        item.output_a,
        item.output_b,
        reference=item.reference if include_reference else None,
        system=system,
        request=request,
    )


def pairwise_prompt_version(system: SystemPrompt, *, with_reference: bool) -> str:
    """The cache identity of a pairwise prompt: system prompt version and whether a reference is shown."""
    return system.version + ("+reference" if with_reference else "")


def build_score_prompt(
    question: Sequence[Step], output: Sequence[Step], *, system: SystemPrompt | None = None
) -> JudgePrompt:
    """The single-output 7-criterion scoring prompt, in the official ``GPT_score_A.py`` layout.

    The request starts with ``INPUT: ``, the answer with ``\\nOUTPUT: `` (``\\nOUTPUT: None`` when
    it has no steps); images are numbered across both.
    """
    system = system or score_system_prompt()
    counter = _ImageCounter()
    parts: list[PromptPart] = _input_section(question, counter, header="INPUT: ")
    if output:
        parts += _section(output, counter, header="\nOUTPUT: ", empty_header="\nOUTPUT: ")
    else:
        parts.append("\nOUTPUT: None")
    parts.append(SCORE_REQUEST)
    return JudgePrompt(system=system.text, parts=tuple(parts))
