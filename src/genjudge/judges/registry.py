"""Judges by name, so the CLI, the ``evaluate`` module and user code pick a backend with a string.

Heavy backends are imported only when asked for: choosing ``"reference"`` never imports
transformers or httpx, and a missing optional extra produces a message naming the extra.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from genjudge.judges.protocol import PairwiseJudge

# name -> (module, class, pip extra that provides its dependencies, one-line description)
JUDGES: dict[str, tuple[str, str, str, str]] = {
    "reference": (
        "genjudge.judges.reference",
        "ReferenceSimilarityJudge",
        "judge",
        "offline reference-similarity baseline (the default; not IntJudge)",
    ),
    "intjudge": ("genjudge.judges.intjudge", "IntJudge", "judge", "IntJudge (Qwen2-VL) on transformers"),
    "api": ("genjudge.judges.api", "ApiJudge", "api", "any OpenAI-compatible chat-completions endpoint"),
}


def judge_names() -> list[str]:
    return list(JUDGES)


def load_judge(name: str, **options: Any) -> PairwiseJudge:
    """Build the judge registered under ``name`` with its backend ``options``.

    >>> judge = load_judge("reference", embedder="lexical")
    >>> judge.judge_id
    'reference-similarity/lexical-tfidf'
    """
    if name not in JUDGES:
        listing = ", ".join(f"{key!r} ({entry[3]})" for key, entry in JUDGES.items())
        raise ValueError(f"unknown judge {name!r}; available judges: {listing}")
    module_name, class_name, extra, _ = JUDGES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name == module_name:
            raise ImportError(
                f"judge {name!r} needs {module_name}, which this genjudge installation does not have"
            ) from err
        raise ImportError(
            f"judge {name!r} needs the Python package {err.name!r}; install it with "
            f"`pip install 'genjudge[{extra}]'`"
        ) from err
    judge_class = getattr(module, class_name)
    _check_options(name, judge_class, options)
    return judge_class(**options)


def _check_options(name: str, judge_class: type, options: dict[str, Any]) -> None:
    """Name the accepted options when one is misspelt, instead of a bare constructor TypeError."""
    parameters = inspect.signature(judge_class).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    accepted = [n for n, p in parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"judge {name!r} does not take option(s) {', '.join(unknown)}; it accepts: {', '.join(accepted)}"
        )
