"""Judges by name, so the CLI, the ``evaluate`` module and user code pick a backend with a string.

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
from dataclasses import dataclass
from typing import Any

from genjudge.judges.protocol import PairwiseJudge


@dataclass(frozen=True)
class JudgeEntry:
    """Where a judge backend lives and what it takes.

    ``options`` maps each constructor keyword to what it does, in one line; the keys must be
    the constructor's keywords (a test checks it).
    """

    module: str
    class_name: str
    extra: str  # pip extra that provides the backend's dependencies
    description: str
    options: Mapping[str, str]


_JUDGING_OPTIONS = {
    "system_prompt_path": "text file with the system prompt to use (e.g. the official one)",
    "include_reference": "show the gold reference answer to the judge (true/false)",
    "on_unparseable": "reply naming no verdict: 'raise' reports it, 'official' leans as the official script",
    "seed": "seed of the official rule's random side, per item",
}

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
            "revision": "what identifies the served weights in the cache (default: model)",
            "backoff_base": "first retry delay in seconds (doubles per retry)",
            "backoff_max": "longest retry delay in seconds",
            "probe_interval": "seconds a failing endpoint stays out before it is probed again",
            "probe_interval_max": "longest such wait (it doubles per failed probe)",
            **_JUDGING_OPTIONS,
        },
    ),
}

JudgeName = enum.Enum("JudgeName", {name: name for name in JUDGES}, type=str)
JudgeName.__doc__ = "The registered judge names, as a choice for command-line options."


def judge_names() -> list[str]:
    return list(JUDGES)


def judge_options(name: str) -> Mapping[str, str]:
    """The option keys the judge ``name`` takes, each with a one-line description."""
    return _entry(name).options


def check_options(name: str, options: Mapping[str, Any]) -> None:
    """Refuse an unknown judge, or option keys the judge does not take (listing the valid ones).

    Cheap: no backend is imported, so callers can check before loading data or weights.
    """
    accepted = _entry(name).options
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
    check_options(name, options)
    entry = JUDGES[name]
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
    return getattr(module, entry.class_name)(**options)


def _entry(name: str) -> JudgeEntry:
    if name not in JUDGES:
        listing = ", ".join(f"{key!r} ({entry.description})" for key, entry in JUDGES.items())
        raise ValueError(f"unknown judge {name!r}; available judges: {listing}")
    return JUDGES[name]
