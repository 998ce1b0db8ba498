"""Where a model's files are and what identifies them, for every adapter that loads weights.

A model is named by a Hub id (``owner/name``, with an optional revision) or by a local folder. The
manifest must record what exactly made the outputs: for a Hub model the commit the revision
resolved to, for a folder the digest of its contents (:func:`genjudge.generation.manifest.folder_digest`).

Loading works offline from the Hugging Face cache; a model that is not there cannot be fetched
on a machine without the Hub, so the error says what to download where the Hub can be reached
and how to point genjudge at the copy — the one thing the person has to do next.

Before anything is loaded, a model folder is checked against the rules public leaderboards apply
to submitted models: no code from the repository (``trust_remote_code``) and safetensors weights
only, since a pickle file runs code when it is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from genjudge.generation.manifest import folder_digest
from genjudge.generation.protocol import GenerationError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
UNSAFE_WEIGHTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")
REMOTE_CODE = "genjudge does not run code from model repositories (trust_remote_code)"
_MAPPING_CONFIGS = (
    "config.json",
    "processor_config.json",
    "preprocessor_config.json",
    "tokenizer_config.json",
)


def locate_model(model: str, revision: str | None, marker: str, kind: str) -> tuple[Path, dict[str, Any]]:
    """The folder holding ``marker`` (``config.json``, ``model_index.json``…) and the manifest's source.

    ``kind`` names what the model must be in messages ("a diffusers pipeline", "a transformers
    model"). The source is ``{"model", "revision"}`` for a Hub model (revision: the resolved commit)
    and ``{"model", "folder_digest"}`` for a local folder.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if revision is not None:
            raise GenerationError(f"{model} is a local folder; --revision applies to Hub models only")
        if not (path / marker).is_file():
            raise GenerationError(
                f"{path} has no {marker}, so it is not {kind} folder "
                "(one written by save_pretrained or downloaded with hf download)"
            )
        return path, {"model": path.resolve().name, "folder_digest": folder_digest(path)}
    if not _HUB_ID.match(model):
        raise GenerationError(f"{model} is neither a local folder nor a Hub model id of the form owner/name")
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        found = Path(hf_hub_download(model, marker, revision=revision))
    except LocalEntryNotFoundError:
        raise GenerationError(download_hint(model, revision)) from None
    except GatedRepoError:
        raise GenerationError(
            f"{model} is gated: accept its terms on the Hub and log in with `hf auth login`"
        ) from None
    except RepositoryNotFoundError:
        raise GenerationError(
            f"no model {model} on the Hub (or it is private: log in with `hf auth login`)"
        ) from None
    except RevisionNotFoundError:
        raise GenerationError(f"{model} has no revision {revision!r}") from None
    except EntryNotFoundError:
        raise GenerationError(f"{model} has no {marker}, so it is not {kind}") from None
    return found.parent, {"model": model, "revision": found.parent.name}


def download_hint(model: str, revision: str | None) -> str:
    """What to do about a Hub model whose files are not on this machine while the Hub is out of reach."""
    download = f"hf download {model}" + (f" --revision {revision}" if revision else "")
    return (
        f"the weights of {model} are not on this machine and the Hub cannot be reached. Where it "
        f"can, run `{download} --local-dir <folder>`, copy the folder here and pass it as the model"
    )


def refuse_remote_code(folder: Path, model: str) -> None:
    """Refuse a transformers checkpoint whose configs map classes to its own code (``auto_map``),
    that ships Python files, or that has its weights only as pickle files."""
    for name in _MAPPING_CONFIGS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GenerationError(f"{model}: {name} cannot be read: {exc}") from None
        if isinstance(config, dict) and config.get("auto_map"):
            raise GenerationError(
                f"{model}: {name} maps classes to code in the repository (auto_map); {REMOTE_CODE}"
            )
    refuse_scripts(model, (p.name for p in folder.glob("*.py")))
    refuse_pickle_only(model, "", [p.name for p in folder.iterdir() if p.is_file()])


def refuse_scripts(model: str, scripts: Iterable[str]) -> None:
    """Refuse a model that ships Python files (``scripts``: their names)."""
    shipped = sorted(scripts)
    if shipped:
        raise GenerationError(f"{model} ships Python code ({', '.join(shipped[:3])}); {REMOTE_CODE}")


def refuse_pickle_only(model: str, where: str, files: list[str]) -> None:
    """Refuse weights that come only as pickle files; ``where`` is the folder's name within the model."""
    if any(name.endswith(UNSAFE_WEIGHTS) for name in files) and not any(
        name.endswith(".safetensors") for name in files
    ):
        whose = f"{model}: {where}" if where else model
        raise GenerationError(
            f"{whose} has weights only as pickle files ({', '.join(sorted(files))}); "
            "genjudge loads safetensors weights only"
        )
