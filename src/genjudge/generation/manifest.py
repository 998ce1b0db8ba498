"""The run manifest: what made the outputs in a folder, written beside them and checked on re-runs.

A board row is only as meaningful as the record of what produced it, and a resumed run is only
one run if every output in the folder came from the same model and settings. So a run writes
``.genjudge-manifest.json`` into its output folder (a dotfile: the benchmarks' readers skip it),
and a later run into the same folder must present the same manifest or be refused, naming each
field that differs — unless it is told to start over. A folder that already holds outputs but no
manifest is refused too: nothing says where those outputs came from.

What identifies a run: the task, the generator's settings (model id and resolved revision, or the
local folder's content hash; pipeline class, dtype, sampling settings), the seed rule, the prompt
template version and the genjudge version. When it was first written is recorded but not compared.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from genjudge import __version__
from genjudge.generation.protocol import GenerationError
from genjudge.safe_io.bounded_json import JSONInputError
from genjudge.safe_io.durable import atomic_write_json, read_json

MANIFEST_NAME = ".genjudge-manifest.json"
_FORMAT = 1
_NOT_COMPARED = ("created",)
_ABSENT = object()


class ManifestMismatch(GenerationError):
    """The folder holds outputs of another run (or of an unknown one)."""


@dataclass(frozen=True)
class RunManifest:
    """What a run is; two runs may share a folder only when these fields are equal.

    ``seed_rule`` says how each item's seed follows from ``seed`` (for example "seed + prompt
    index"), so the per-item seeds are recorded without listing them and a subset run and the
    full run agree on every item they share.
    """

    task: str
    generator: Mapping[str, Any]
    seed: int
    seed_rule: str
    prompt_template_version: str | None = None
    genjudge_version: str = __version__
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "task": self.task,
            "generator": dict(self.generator),
            "seed": self.seed,
            "seed_rule": self.seed_rule,
            "prompt_template_version": self.prompt_template_version,
            "genjudge_version": self.genjudge_version,
            "created": self.created,
        }


def manifest_path(folder: Path) -> Path:
    return folder / MANIFEST_NAME


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest in ``folder`` as written, or ``None`` if there is none."""
    path = manifest_path(folder)
    if not path.exists():
        return None
    try:
        data = read_json(path)
    except (OSError, JSONInputError) as exc:
        raise ManifestMismatch(f"{path}: cannot read the run manifest ({exc}); pass --start-over") from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ManifestMismatch(f"{path}: not a genjudge run manifest (format {_FORMAT}); pass --start-over")
    return data


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """``field: old -> new`` for every compared field (dotted inside the generator) that differs."""
    flat_old, flat_new = _flatten(old), _flatten(new)
    keys = sorted((set(flat_old) | set(flat_new)) - set(_NOT_COMPARED))
    return [
        f"{key}: {flat_old.get(key, '(absent)')!r} -> {flat_new.get(key, '(absent)')!r}"
        for key in keys
        if flat_old.get(key, _ABSENT) != flat_new.get(key, _ABSENT)
    ]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def claim_folder(folder: Path, manifest: RunManifest, *, existing_outputs: int, start_over: bool) -> None:
    """Write ``manifest`` into ``folder``, or check it against the one already there.

    Refused (``ManifestMismatch``) unless ``start_over``: a manifest that differs in any compared
    field, and a folder with ``existing_outputs`` but no manifest. The first run's ``created``
    time is kept on a resume.
    """
    folder.mkdir(parents=True, exist_ok=True)
    new = manifest.to_json()
    old = None if start_over else read_manifest(folder)
    if old is None:
        if existing_outputs and not start_over:
            raise ManifestMismatch(
                f"{folder} already holds {existing_outputs} output(s) but no run manifest "
                f"({MANIFEST_NAME}), so nothing says which model made them; choose another folder, "
                "or pass --start-over to make every item again with this model"
            )
        atomic_write_json(manifest_path(folder), new)
        return
    changed = differences(old, new)
    if changed:
        raise ManifestMismatch(
            f"{folder} holds the outputs of another run ({manifest_path(folder).name} differs: "
            + "; ".join(changed)
            + "); choose another folder, or pass --start-over to make every item again with these settings"
        )


def folder_digest(folder: Path) -> str:
    """``sha256:<hex>`` over every file's relative path and content (dotfiles and folders skipped).

    A local model folder has no commit to record, so its content stands in for one: two folders
    with the same digest hold the same weights and configs. ``hf download --local-dir`` keeps its
    bookkeeping in ``.cache/``, which is skipped with the other hidden entries.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue
        digest.update(f"{relative.as_posix()}\0{path.stat().st_size}\0".encode())
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"
