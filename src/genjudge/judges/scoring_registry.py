"""Scoring judges by name (prompt + image in, named numbers out), as ``registry`` does for
pairwise judges. Kept apart because the two protocols return different things: a front end asks
this registry for a judge that scores images and the other for one that compares outputs.

Backends are imported only when asked for; a missing optional extra names the extra.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from genjudge.judges.scoring_protocol import ScoringJudge

# name -> (module, class, pip extra, fixed constructor arguments, one-line description)
SCORING_JUDGES: dict[str, tuple[str, str, str, dict[str, Any], str]] = {
    "lmm4lmm-perception": (
        "genjudge.judges.lmm4lmm.judge",
        "LMM4LMMJudge",
        "judge",
        {"task": "perception"},
        "LMM4LMM perceptual quality (IntMeGroup/LMM4LMM-Perception)",
    ),
    "lmm4lmm-correspondence": (
        "genjudge.judges.lmm4lmm.judge",
        "LMM4LMMJudge",
        "judge",
        {"task": "correspondence"},
        "LMM4LMM text-image correspondence (IntMeGroup/LMM4LMM-Correspondence)",
    ),
    "lmm4lmm-qa": (
        "genjudge.judges.lmm4lmm.judge",
        "LMM4LMMJudge",
        "judge",
        {"task": "qa"},
        "LMM4LMM yes/no question answering (IntMeGroup/LMM4LMM-QA)",
    ),
}


def scoring_judge_names() -> list[str]:
    return list(SCORING_JUDGES)


def load_scoring_judge(name: str, **options: Any) -> ScoringJudge:
    """Build the scoring judge registered under ``name`` with its backend ``options``
    (for LMM4LMM: ``model``, ``revision``, ``device``, ``dtype``, ``local_files_only``, ``max_tiles``)."""
    if name not in SCORING_JUDGES:
        listing = ", ".join(f"{key!r} ({entry[4]})" for key, entry in SCORING_JUDGES.items())
        raise ValueError(f"unknown scoring judge {name!r}; available scoring judges: {listing}")
    module_name, class_name, extra, fixed, _ = SCORING_JUDGES[name]
    clash = sorted(set(fixed) & set(options))
    if clash:
        raise ValueError(f"scoring judge {name!r} fixes {', '.join(clash)}; do not pass it as an option")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        raise ImportError(
            f"scoring judge {name!r} needs the Python package {err.name!r}; install it with "
            f"`pip install 'genjudge[{extra}]'`"
        ) from err
    judge_class = getattr(module, class_name)
    _check_options(name, judge_class, options)
    return judge_class(**fixed, **options)


def _check_options(name: str, judge_class: type, options: Mapping[str, Any]) -> None:
    """Name the accepted options when one is misspelt, instead of a bare constructor TypeError."""
    parameters = inspect.signature(judge_class).parameters
    accepted = [
        key
        for key, parameter in parameters.items()
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"judge {name!r} does not take option(s) {', '.join(unknown)}; it accepts: {', '.join(accepted)}"
        )
