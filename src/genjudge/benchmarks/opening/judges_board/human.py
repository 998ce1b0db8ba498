"""The human verdicts a Judges board compares judges with, and where they come from.

The source is the official ``Interleaved_Arena/judge_modelAB_results.json`` (or any verdict file
in that shape, such as exported votes), given as a file, as the folder holding it (an
``Interleaved_Arena`` folder or a checkout of LanceZPF/OpenING), or as a Hub dataset id. The default
is the bundled sample: invented votes on the embedded OpenING sample (see
``scripts/make_opening_judges_sample.py``). The official judges' verdict files found beside the
human file become the board's reference rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from genjudge.benchmarks.opening.arena import ArenaFormatError, read_verdicts
from genjudge.hub.errors import hub_call

HUMAN_FILE = "judge_modelAB_results.json"
_HUB_ID = re.compile(r"[\w-][\w.-]*/[\w-][\w.-]*(?<!\.json)(/[^/]+)*")
ARENA_FOLDER = "Interleaved_Arena"
OFFICIAL_JUDGE_FILES = {
    "intjudge_rag-judge_modelAB_results.json": "IntJudge (official verdicts)",
    "gpt-judge_modelAB_results.json": "GPT-4o (official verdicts)",
}
"""Verdict files of the judges the OpenING paper reports, with the name of their reference row."""

OFFICIAL_UNSEEN = ("anole", "GPT-4+DALL-E3", "SEED-LLaMA", "NExT-GPT")
"""The unseen-model list of the official calculate_agreement.py, as spelled there (its
``GPT-4+DALL-E3`` matches no model of the release, whose name is ``GPT-4o+DALL-E3``)."""

UNSEEN_HELP = (
    "models the judge never saw, comma-separated, for the seen/unseen split; 'auto' (default): the "
    "official calculate_agreement.py list (anole, GPT-4+DALL-E3, SEED-LLaMA, NExT-GPT); 'none': no split"
)
"""What an ``--unseen`` option takes, in one line, for every command that splits agreement."""


def parse_unseen(option: str, *, auto: tuple[str, ...] = OFFICIAL_UNSEEN) -> tuple[str, ...]:
    """The unseen models an ``--unseen`` option names: ``auto`` gives ``auto`` (by default the
    official list, spelled as there), ``none`` gives no split (``()``), anything else is read as
    comma-separated model names.

    >>> parse_unseen("auto")
    ('anole', 'GPT-4+DALL-E3', 'SEED-LLaMA', 'NExT-GPT')
    >>> parse_unseen("none"), parse_unseen(" Emu3, VILA-U ")
    ((), ('Emu3', 'VILA-U'))
    """
    key = option.strip().lower()
    if key == "auto":
        return auto
    if key == "none":
        return ()
    return tuple(name.strip() for name in option.split(",") if name.strip())


SAMPLE_UNSEEN = ("Drift-Gen",)
"""The bundled sample's stand-in for unseen models: its models are fictional, so the split only
shows how the columns read."""


class HumanVerdictsError(ValueError):
    """The human verdicts cannot be loaded; the message names the source and what to do."""


@dataclass(frozen=True)
class HumanVerdicts:
    """Human verdicts as a battles frame, with what the board says about them.

    ``folder`` is where the official judges' verdict files are looked for; ``is_sample`` marks the
    bundled sample (whose instances and outputs ship with the package, so the reference judge can
    judge its pairs).
    """

    verdicts: pd.DataFrame
    source: str
    folder: Path | None = None
    is_sample: bool = False
    judge_files: dict[str, Path] = field(default_factory=dict)

    @cached_property
    def pairs(self) -> frozenset[tuple[str, frozenset[str]]]:
        """Every voted pair as (instance, {model, model}), whatever the order shown."""
        return frozenset(
            (uid, frozenset((a, b)))
            for uid, a, b in zip(
                self.verdicts["uid"], self.verdicts["model_a"], self.verdicts["model_b"], strict=True
            )
        )

    @cached_property
    def uids(self) -> frozenset[str]:
        return frozenset(self.verdicts["uid"])

    @cached_property
    def models(self) -> frozenset[str]:
        return frozenset(self.verdicts["model_a"]) | frozenset(self.verdicts["model_b"])

    def default_unseen(self) -> tuple[str, ...]:
        """The seen/unseen split the board uses unless told otherwise."""
        return SAMPLE_UNSEEN if self.is_sample else OFFICIAL_UNSEEN


def sample_arena_dir() -> Path:
    """The bundled sample's ``Interleaved_Arena`` folder (invented votes, a heuristic judge's verdicts)."""
    return Path(str(resources.files("genjudge.benchmarks.opening").joinpath("sample_data", ARENA_FOLDER)))


def _human_file_in(folder: Path) -> Path | None:
    for candidate in (folder / HUMAN_FILE, folder / ARENA_FOLDER / HUMAN_FILE):
        if candidate.is_file():
            return candidate
    return None


def _from_hub(source: str) -> Path:
    """A Hub dataset's human verdict file: ``owner/name`` (the repo's ``judge_modelAB_results.json``,
    at its root or in ``Interleaved_Arena/``, with the official judges' files) or
    ``owner/name/path/in/repo.json``."""
    from huggingface_hub import hf_hub_download, snapshot_download

    owner, name, *inside = source.split("/")
    repo_id = f"{owner}/{name}"
    hint = (
        "Download the verdict file (e.g. Interleaved_Arena/judge_modelAB_results.json from "
        "https://github.com/LanceZPF/OpenING) and pass its local path instead"
    )
    with hub_call(f"could not download the human verdicts from the Hub dataset {repo_id}", hint=hint):
        if inside:
            return Path(hf_hub_download(repo_id, "/".join(inside), repo_type="dataset"))
        folder = Path(
            snapshot_download(
                repo_id,
                repo_type="dataset",
                allow_patterns=["*_modelAB_results.json", f"{ARENA_FOLDER}/*_modelAB_results.json"],
            )
        )
    found = _human_file_in(folder)
    if found is None:
        raise HumanVerdictsError(
            f"the Hub dataset {repo_id} has no {HUMAN_FILE} (nor {ARENA_FOLDER}/{HUMAN_FILE})"
        )
    return found


def _resolve(source: str) -> tuple[Path, bool]:
    """The human verdict file ``source`` names, and whether it is the bundled sample: a local file
    or folder when one exists at that path, else a Hub dataset id."""
    if not source:
        return sample_arena_dir() / HUMAN_FILE, True
    path = Path(source).expanduser()
    if path.is_dir():
        found = _human_file_in(path)
        if found is None:
            raise HumanVerdictsError(f"{path}: holds no {HUMAN_FILE} (nor {ARENA_FOLDER}/{HUMAN_FILE})")
        return found, False
    if path.is_file():
        return path, False
    if _HUB_ID.fullmatch(source):
        return _from_hub(source), False
    raise HumanVerdictsError(
        f"human verdicts {source!r}: no such file or folder, and not a Hub dataset id "
        "(owner/name, or owner/name/path/in/repo.json)"
    )


def load_human_verdicts(source: str = "") -> HumanVerdicts:
    """The human verdicts at ``source`` (see the module docstring; empty: the bundled sample).

    A pair voted twice in the same order is refused: the board compares one verdict per pair, and
    which of several votes to keep is a choice to make before (e.g. a majority), not here.
    """
    path, is_sample = _resolve(source)
    try:
        verdicts = read_verdicts(path)
    except ArenaFormatError as error:
        raise HumanVerdictsError(f"cannot read the human verdicts: {error}") from None
    keys = verdicts[["uid", "model_a", "model_b"]]
    repeated = keys.duplicated(keep="first")
    if repeated.any():
        index = int(repeated.to_numpy().nonzero()[0][0])
        uid, a, b = keys.iloc[index]
        raise HumanVerdictsError(
            f"{path}: record {index} (data_id={uid}, model_A={a}, model_B={b}) repeats an earlier "
            "record's pair; keep one human verdict per pair and order shown"
        )
    judge_files = {
        name: path.parent / file
        for file, name in OFFICIAL_JUDGE_FILES.items()
        if (path.parent / file).is_file()
    }
    label = "the bundled sample's invented votes" if is_sample else str(source)
    return HumanVerdicts(verdicts, label, path.parent, is_sample, judge_files)
