"""The base checkpoint ``genjudge judge train`` fine-tunes, and what to say when it cannot be loaded.

The base is loaded the way ``--judge intjudge`` loads a judge, but a missing base is not a missing
IntJudge: the user needs the Qwen2-VL checkpoint they asked to fine-tune (IntJudge itself was
fine-tuned from ``Qwen/Qwen2-VL-7B-Instruct``), downloaded once and given as ``--base-model``.
"""

from __future__ import annotations

from pathlib import Path

from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id

from genjudge.safe_io.redaction import redact

DEFAULT_BASE_MODEL = "Qwen/Qwen2-VL-7B-Instruct"
"""The Qwen2-VL checkpoint IntJudge was fine-tuned from, and ``judge train``'s default base."""


def _is_repo_id(model: str) -> bool:
    try:
        validate_repo_id(model)
    except HFValidationError:
        return False
    return True


def base_not_found_message(model: str, error: BaseException) -> str:
    """Why ``model`` could not be loaded as the base, which checkpoint to download and how to pass it.

    ``error`` is the loader's error; its cause (the transformers or file-system error), when there
    is one, is the reason shown. A Hub id is suggested as is; a local path that is not there gets
    the default base, downloaded into that path.
    """
    cause = error.__cause__ or error
    if _is_repo_id(model) and not Path(model).expanduser().exists():
        repo, folder = model, f"./{model.rsplit('/', 1)[-1]}"
        reason = f"{type(cause).__name__}: {redact(str(cause))}"
    else:
        repo, folder = DEFAULT_BASE_MODEL, model
        path = Path(model).expanduser()
        if not path.exists():
            reason = f"the folder {str(path)!r} does not exist (working directory: {Path.cwd()})"
        elif path.is_file():
            reason = "it is a file; pass the checkpoint folder (the one holding config.json)"
        else:
            reason = f"{type(cause).__name__}: {redact(str(cause))}"
    size = " (about 16 GB)" if repo == DEFAULT_BASE_MODEL else ""
    return (
        f"Could not load the base model {model!r} that `genjudge judge train` fine-tunes "
        f"(a Qwen2-VL checkpoint; IntJudge was fine-tuned from {DEFAULT_BASE_MODEL}): {reason}\n"
        f"Download the base model once{size} on a machine with network access:\n"
        f"    hf download {repo} --local-dir {folder}\n"
        f"  (older huggingface_hub: huggingface-cli download {repo} --local-dir {folder})\n"
        f"then point `judge train` at the local copy:\n"
        f"    genjudge judge train ... --base-model {folder}"
    )
