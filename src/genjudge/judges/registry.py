"""Judges by name, so the CLI, the ``evaluate`` module and user code pick a backend with a string.

One table holds both kinds of judge: ``pairwise`` (compare two outputs: :func:`load_judge`) and
``scoring`` (rate one image or video: :func:`load_scoring_judge`); each entry says its kind, so a
front end offers only the judges that return what it needs.

Each entry declares its option keys with a one-line description: the CLI lists them in
``genjudge judge pairs --help``, and a misspelt key is refused with the valid ones before any
heavy backend is imported. Heavy backends are imported only when asked for: choosing
``"reference"`` never imports transformers or httpx, and a missing optional extra produces a
message naming the extra.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from genjudge.judges.protocol import PairwiseJudge, ScoringJudge


@dataclass(frozen=True)
class JudgeEntry:
    """Where a judge backend lives and what it takes.

    ``options`` maps each constructor keyword to what it does, in one line; with ``fixed`` (the
    constructor arguments that make this entry what it is, e.g. one LMM4LMM task) they must be the
    constructor's keywords (a test checks it). ``kind`` is ``"pairwise"`` or ``"scoring"``.
    """

    module: str
    class_name: str
    extra: str  # pip extra that provides the backend's dependencies
    description: str
    options: Mapping[str, str]
    kind: str = "pairwise"
    fixed: Mapping[str, Any] = field(default_factory=dict)


_JUDGING_OPTIONS = {
    "system_prompt": "built-in system message: 'intjudge' (official IntJudge sentence) or 'genjudge'",
    "system_prompt_path": "text file with the system prompt to use (e.g. the official one)",
    "include_reference": "show the gold reference answer to the judge (true/false)",
    "on_unparseable": "'raise' reports replies naming no verdict; 'official' reads all as OpenING does",
    "seed": "seed of the official rule's random side, per item",
}

_LMM4LMM_OPTIONS = {
    "model": "local checkpoint folder (official or converted) or Hub id (default: the task's repo)",
    "revision": "Hub revision; also the score-cache revision",
    "device": "'cuda', 'cpu', …; default: CUDA when available",
    "dtype": "torch dtype, or 'auto' (bf16 on CUDA, fp32 on CPU)",
    "local_files_only": "never touch the network (default: follow HF_HUB_OFFLINE)",
    "max_tiles": "most 448-pixel tiles per image (official: 6)",
}


def _lmm4lmm(task: str, description: str) -> JudgeEntry:
    return JudgeEntry(
        "genjudge.judges.lmm4lmm.judge",
        "LMM4LMMJudge",
        "judge",
        description,
        _LMM4LMM_OPTIONS,
        "scoring",
        {"task": task},
    )


JUDGES: dict[str, JudgeEntry] = {
    "reference": JudgeEntry(
        "genjudge.judges.reference",
        "ReferenceSimilarityJudge",
        "judge",
        "offline reference-similarity baseline (the default; not IntJudge)",
        {
            "embedder": "'auto' (MiniLM, else lexical with a warning), 'minilm' or 'lexical'",
            "model_dir": "folder holding another copy of the MiniLM embedder",
            "expected_sha256": "sha256 the MiniLM weights in model_dir must have",
            "text_weight": "weight of text similarity against image similarity, in [0, 1]",
            "tie_margin": "similarity difference below which the verdict is a tie",
            "temperature": "softmax temperature turning similarity differences into probabilities",
        },
    ),
    "intjudge": JudgeEntry(
        "genjudge.judges.intjudge",
        "IntJudge",
        "judge",
        "IntJudge (Qwen2-VL) on transformers",
        {
            "model": "local checkpoint folder or Hub id (default IntJudge/IntJudge)",
            "revision": "Hub revision; also the verdict-cache revision",
            "device": "'cuda', 'cpu', …; default: CUDA when available",
            "dtype": "torch dtype, or 'auto' for the checkpoint's own (bf16)",
            "mode": "'score' (batched verdict log-probabilities) or 'generate' (official decoding)",
            "max_new_tokens": "decoding budget of generate mode (official: 128)",
            "attn_implementation": "transformers attention, e.g. 'sdpa' or 'flash_attention_2'",
            "local_files_only": "never touch the network (default: follow HF_HUB_OFFLINE)",
            "max_pixels": "cap on pixels per image before patching",
            "max_batch_tokens": "padded prompt tokens per forward pass in score mode",
            **_JUDGING_OPTIONS,
        },
    ),
    "api": JudgeEntry(
        "genjudge.judges.api",
        "ApiJudge",
        "api",
        "any OpenAI-compatible chat-completions endpoint",
        {
            "base_url": "API root, e.g. https://api.openai.com/v1 or http://localhost:8000/v1",
            "base_urls": "several API roots serving the same model (JSON list; the CLI's --endpoint)",
            "model": "model name the endpoint serves (official: gpt-4o)",
            "api_key_env": "environment variable holding the API key (unset: no Authorization header)",
            "max_concurrency": "requests in flight at once",
            "timeout": "seconds each network read may wait (a dripping server passes it: see deadline)",
            "deadline": "seconds a whole request may take before it moves to another endpoint (default 180)",
            "max_retries": "retries per request after the first attempt",
            "image_max_side": "longer image side after downscaling (official: 512)",
            "max_tokens": "reply budget for a verdict (official: 5)",
            "top_logprobs": "read verdict probabilities from this many token alternatives (vLLM: <= 20)",
            "score_max_tokens": "reply budget for a 7-criterion score",
            "temperature": "sampling temperature (0 for repeatable verdicts)",
            "score_system_prompt_path": "text file with the system prompt for 7-criterion scores",
            "verdict_request": "last line of a pairwise request: 'gpt' (GPT_judge_AB.py) or 'intjudge'",
            "score_function_calling": "score through the official function schema (tools); false: JSON text",
            "revision": "what identifies the served weights in the cache (default: model)",
            "backoff_base": "first retry delay in seconds (doubles per retry)",
            "backoff_max": "longest retry delay in seconds",
            "probe_interval": "seconds a failing endpoint stays out before it is probed again",
            "probe_interval_max": "longest such wait (it doubles per failed probe)",
            **_JUDGING_OPTIONS,
        },
    ),
    "lmm4lmm-perception": _lmm4lmm(
        "perception", "LMM4LMM perceptual quality (IntMeGroup/LMM4LMM-Perception)"
    ),
    "lmm4lmm-correspondence": _lmm4lmm(
        "correspondence", "LMM4LMM text-image correspondence (IntMeGroup/LMM4LMM-Correspondence)"
    ),
    "lmm4lmm-qa": _lmm4lmm("qa", "LMM4LMM yes/no question answering (IntMeGroup/LMM4LMM-QA)"),
}

JudgeName = enum.Enum(
    "JudgeName", {name: name for name in JUDGES if JUDGES[name].kind == "pairwise"}, type=str
)
JudgeName.__doc__ = "The registered pairwise judge names, as a choice for command-line options."

_NOUNS = {"pairwise": "judge", "scoring": "scoring judge"}


def judge_names(kind: str = "pairwise") -> list[str]:
    """The registered judges of ``kind`` (``"pairwise"`` or ``"scoring"``), in table order."""
    return [name for name, entry in JUDGES.items() if entry.kind == kind]


def scoring_judge_names() -> list[str]:
    return judge_names("scoring")


def kind_of(name: str) -> str:
    """``"pairwise"`` or ``"scoring"``: what the judge ``name`` returns."""
    return _entry(name).kind


def judge_options(name: str) -> Mapping[str, str]:
    """The option keys the judge ``name`` takes, each with a one-line description."""
    return _entry(name).options


def check_options(name: str, options: Mapping[str, Any]) -> None:
    """Refuse an unknown judge, or option keys the judge does not take (listing the valid ones).

    Cheap: no backend is imported, so callers can check before loading data or weights.
    """
    entry = _entry(name)
    clash = sorted(set(entry.fixed) & set(options))
    if clash:
        raise ValueError(f"judge {name!r} fixes {', '.join(clash)}; do not pass it as an option")
    accepted = entry.options
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        listing = "\n".join(f"  {key}: {text}" for key, text in accepted.items())
        raise ValueError(
            f"judge {name!r} does not take option(s) {', '.join(unknown)}; it accepts:\n{listing}"
        )


def load_judge(name: str, **options: Any) -> PairwiseJudge:
    """Build the judge registered under ``name`` with its backend ``options``.

    >>> judge = load_judge("reference", embedder="lexical")
    >>> judge.judge_id
    'reference-similarity/lexical-tfidf'
    """
    return _build(name, "pairwise", options)


def load_scoring_judge(name: str, **options: Any) -> ScoringJudge:
    """Build the scoring judge registered under ``name`` with its backend ``options``
    (for LMM4LMM: ``model``, ``revision``, ``device``, ``dtype``, ``local_files_only``, ``max_tiles``)."""
    return _build(name, "scoring", options)


def build_judge(name: str, **options: Any) -> PairwiseJudge | ScoringJudge:
    """The judge registered under ``name``, whatever its kind (for code handed a name, such as a
    Ray worker)."""
    return _build(name, kind_of(name), options)


def _build(name: str, kind: str, options: Mapping[str, Any]) -> Any:
    entry = _entry(name, kind)
    check_options(name, options)
    try:
        module = importlib.import_module(entry.module)
    except ModuleNotFoundError as err:
        if err.name == entry.module:
            raise ImportError(
                f"judge {name!r} needs {entry.module}, which this genjudge installation does not have"
            ) from err
        raise ImportError(
            f"judge {name!r} needs the Python package {err.name!r}; install it with "
            f"`pip install 'genjudge[{entry.extra}]'`"
        ) from err
    return getattr(module, entry.class_name)(**entry.fixed, **options)


def _entry(name: str, kind: str | None = None) -> JudgeEntry:
    """The entry of ``name``, refused (listing the judges of ``kind``, or all) unless it is of ``kind``."""
    if name in JUDGES and kind in (None, JUDGES[name].kind):
        return JUDGES[name]
    noun = "judge" if kind is None else _NOUNS[kind]
    names = list(JUDGES) if kind is None else judge_names(kind)
    listing = ", ".join(f"{key!r} ({JUDGES[key].description})" for key in names)
    problem = f"{name!r} is a {_NOUNS[JUDGES[name].kind]}" if name in JUDGES else f"unknown {noun} {name!r}"
    raise ValueError(f"{problem}; available {noun}s: {listing}")
