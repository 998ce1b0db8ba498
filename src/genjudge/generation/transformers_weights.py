"""A transformers checkpoint opened and loaded the one way every local adapter does (chat models, Janus).

Opening checks the leaderboard rules before any weights are read (:mod:`.model_source`: a Hub id
resolved offline or a folder digested, no code from the repository, safetensors only) and reads
the config; loading puts the network on its device in its dtype, turning the failures a person
can act on (weights missing offline, out of memory) into a :class:`GenerationError` that says what
to do. Each adapter keeps only what is its own: which class loads the network, and its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.generation.model_source import download_hint, locate_model, refuse_remote_code
from genjudge.generation.protocol import GenerationError

DTYPES = ("auto", "float32", "float16", "bfloat16")


def check_placement(dtype: str, device: str) -> None:
    """Refuse an unknown dtype name, or a CUDA device on a machine where torch sees none."""
    import torch

    if dtype not in DTYPES:
        raise GenerationError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise GenerationError(f"device {device!r} was asked for, but torch sees no CUDA GPU here")


@dataclass(frozen=True)
class Checkpoint:
    """Where ``from_pretrained`` reads a checked model, and what the manifest records of it."""

    where: str
    source: dict[str, Any]
    hub: dict[str, Any]
    config: Any

    @property
    def name(self) -> str:
        return self.source["model"]

    def load(self, loader: Any, dtype: str, device: str) -> Any:
        """``loader.from_pretrained`` (safetensors only, no remote code) on ``device``, in eval mode.

        ``auto`` is the checkpoint's own dtype on a GPU and float32 on the CPU.
        """
        import torch

        resolved = (
            (torch.float32 if device == "cpu" else "auto") if dtype == "auto" else getattr(torch, dtype)
        )
        try:
            network = loader.from_pretrained(
                self.where, dtype=resolved, use_safetensors=True, trust_remote_code=False, **self.hub
            )
        except ValueError as exc:
            raise GenerationError(f"cannot load {self.name}: {exc}") from None
        except OSError as exc:
            if "revision" in self.source and "offline" in str(exc).lower():
                raise GenerationError(download_hint(self.name, None)) from None
            raise GenerationError(f"cannot load {self.name} (safetensors weights only): {exc}") from None
        try:
            network.to(device)
        except torch.OutOfMemoryError:
            raise GenerationError(
                f"{self.name} does not fit in the memory of {device}; use dtype bfloat16 or a smaller model"
            ) from None
        return network.eval()

    def manifest(self, network: Any, device: str) -> dict[str, Any]:
        """What identifies the loaded network in a run manifest."""
        import transformers

        return {
            **self.source,
            "model_class": type(network).__name__,
            "dtype": str(network.dtype).removeprefix("torch."),
            "device": device,
            "transformers_version": transformers.__version__,
        }


def open_checkpoint(model: str | Path, revision: str | None) -> Checkpoint:
    """Find ``model``, check it against the rules (module docstring) and read its config."""
    from transformers import AutoConfig

    folder, source = locate_model(str(model), revision, "config.json", "a transformers model")
    refuse_remote_code(folder, source["model"])
    hub = {"revision": source["revision"]} if "revision" in source else {}
    where = str(model) if hub else str(folder)
    try:
        config = AutoConfig.from_pretrained(where, trust_remote_code=False, **hub)
    except (OSError, ValueError, KeyError) as exc:
        raise GenerationError(f"cannot read the config of {source['model']}: {exc}") from None
    return Checkpoint(where, source, hub, config)
