"""LMM4LMM, the EvalMi-50K judge (InternVL2.5-8B fine-tunes), on transformers' InternVL classes.

Three checkpoints, one task each (``ScoringJudge`` protocol):

- ``perception`` (``IntMeGroup/LMM4LMM-Perception``): perceptual quality, regression head;
- ``correspondence`` (``IntMeGroup/LMM4LMM-Correspondence``): text–image correspondence, head;
- ``qa`` (``IntMeGroup/LMM4LMM-QA``): yes/no answer to a question about the image, read from the
  teacher-forced logits as the official ``eval_qa.py`` does ('yes' in the decoded argmax -> Yes,
  elif 'no' -> No), plus the probability of Yes against No at the first answer token. Scores:
  ``yes`` (1/0), ``p_yes`` and ``answer_parsed`` (0 when the argmax text holds neither word; the
  official script then counts the answer wrong, here ``yes`` falls back to ``p_yes >= 0.5``).

The official scripts run one image at a time; here a batch is one forward pass with left padding
(see ``inputs``), and only the hidden states that are read go through the LM head. ``model`` may
be a hub id, an official checkpoint folder (converted in memory: LoRA merged, ``wqkv`` split) or a
folder written by ``conversion.save_converted``. Offline without the checkpoint, building the judge
fails with ``JudgeModelNotFound`` saying what to download and where to pass it. The weights load on
the first batch to score (``genjudge.judges.lazy_weights``): the judge's cache identity is settled
from the folder alone, so a fully cached run never loads them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from genjudge.judges.lazy_weights import LazyWeights
from genjudge.judges.lmm4lmm.conversion import MARKER_FILE, is_official_layout, load_converted, load_official
from genjudge.judges.lmm4lmm.head import READ_POSITION, ScoreHead
from genjudge.judges.lmm4lmm.inputs import ASSISTANT, IM_END, IMG_CONTEXT, Encoded, InternVLInputs
from genjudge.judges.lmm4lmm.prompts import PROMPTS, TASKS
from genjudge.judges.protocol import JudgeModelNotFound, PartialScores, Scores, ScoringItem
from genjudge.safe_io.redaction import redact

DEFAULT_MODELS = {
    "perception": "IntMeGroup/LMM4LMM-Perception",
    "correspondence": "IntMeGroup/LMM4LMM-Correspondence",
    "qa": "IntMeGroup/LMM4LMM-QA",
}
SCORE_NAMES = {
    "perception": ("perception",),
    "correspondence": ("correspondence",),
    "qa": ("yes", "p_yes", "answer_parsed"),
}
_DIGESTED = (".safetensors", ".bin", ".pth", ".json")


def not_found_message(task: str, model: str, error: BaseException) -> str:
    hub_id = DEFAULT_MODELS[task]
    folder = f"./judges/{hub_id.split('/')[1]}"
    return (
        f"Could not load the LMM4LMM {task} checkpoint {model!r}: "
        f"{type(error).__name__}: {redact(str(error))}\n"
        f"Download it once (about 16 GB) on a machine with network access:\n"
        f"    hf download {hub_id} --local-dir {folder}\n"
        f"  (older huggingface_hub: huggingface-cli download {hub_id} --local-dir {folder})\n"
        f"then pass the folder as the model:\n"
        f"    Python:   load_scoring_judge('lmm4lmm-{task}', model='{folder}')\n"
        f"    CLI:      genjudge evalmi score ... --judge lmm4lmm-{task} --option model={folder}\n"
        f"    evaluate: evaluate.load('metrics/lmm4lmm', '{task}', model='{folder}')"
    )


def weights_digest(folder: Path) -> str:
    """sha256 over a local checkpoint's weight and config files (LoRA file included)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(_DIGESTED)):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _resolve(model: str, revision: str | None, local_files_only: bool | None) -> Path:
    folder = Path(model)
    if folder.is_dir():
        return folder
    from huggingface_hub import snapshot_download

    kwargs: dict[str, Any] = {"revision": revision}
    if local_files_only is not None:
        kwargs["local_files_only"] = local_files_only
    return Path(snapshot_download(model, **kwargs))


def _load_tokenizer(folder: Path) -> Any:
    """The checkpoint's tokenizer without remote code: a ``tokenizer.json`` (converted folders) loads
    with ``AutoTokenizer``; the official InternLM2 sentencepiece model loads as a Llama tokenizer."""
    from transformers import AutoTokenizer, LlamaTokenizer

    if (folder / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(folder)
    return LlamaTokenizer.from_pretrained(folder, add_bos_token=True, add_eos_token=False)


@dataclass(frozen=True)
class _Loaded:
    """A checkpoint's parts once loaded, and the qa task's answer tokens read from its tokenizer."""

    network: torch.nn.Module
    head: ScoreHead | None
    inputs: InternVLInputs
    yes_id: int = -1
    no_id: int = -1
    answer_length: int = 0


def _loaded(network: torch.nn.Module, head: ScoreHead | None, inputs: InternVLInputs, task: str) -> _Loaded:
    """The loaded parts, checked against the task (a head where one is read)."""
    if task != "qa" and head is None:
        raise ValueError(
            f"the {task} judge needs a checkpoint with a regression head (mlpscore.*); this one has none"
        )
    if task != "qa":
        return _Loaded(network, head, inputs)
    prefix = len(inputs.ids(ASSISTANT))
    forced = inputs.ids(f"{ASSISTANT}{PROMPTS[task].answer}{IM_END}")
    return _Loaded(
        network,
        head,
        inputs,
        yes_id=inputs.ids(f"{ASSISTANT}Yes{IM_END}")[prefix],
        no_id=inputs.ids(f"{ASSISTANT}No{IM_END}")[prefix],
        answer_length=len(forced) - prefix - 1,
    )


class LMM4LMMJudge:
    """One LMM4LMM checkpoint as a ``ScoringJudge``.

    Args:
        task: ``"perception"``, ``"correspondence"`` or ``"qa"``.
        model: hub id or local folder (official layout or converted); default: the task's checkpoint.
        revision: hub revision; also the cache revision when given. Otherwise the hub commit of the
            snapshot, or for a local folder a sha256 of its weight files.
        device: ``"cuda"``, ``"cpu"``…; default: CUDA when available.
        dtype: torch dtype; default bf16 on a GPU (as the official scripts), float32 on CPU.
        local_files_only: never touch the network; default: follow ``HF_HUB_OFFLINE``.
        max_tiles: most 448-px tiles per image (official: 6, so 5 for the 1024x1024 resize).
    """

    def __init__(
        self,
        task: str = "perception",
        model: str | None = None,
        revision: str | None = None,
        device: str | None = None,
        dtype: str | torch.dtype | None = None,
        local_files_only: bool | None = None,
        max_tiles: int = 6,
    ) -> None:
        _check_task(task)
        source = str(model or DEFAULT_MODELS[task])
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = _dtype(dtype, device)
        try:
            folder = _resolve(source, revision, local_files_only)
            official = is_official_layout(folder)
            if not official and not (folder / MARKER_FILE).is_file():
                raise FileNotFoundError(
                    f"{folder} holds neither an official LMM4LMM checkpoint (config.json with llm_config) "
                    f"nor a converted one ({MARKER_FILE})"
                )
        except (OSError, ValueError, ImportError) as err:
            raise JudgeModelNotFound(not_found_message(task, source, err)) from err
        if revision is None:
            commit = folder.name if folder.parent.name == "snapshots" else None
            revision = commit or f"local-sha256:{weights_digest(folder)}"

        def load() -> _Loaded:
            try:
                tokenizer = _load_tokenizer(folder)
                if official:
                    network, head = load_official(folder, tokenizer.convert_tokens_to_ids(IMG_CONTEXT), dtype)
                else:
                    network, head = load_converted(folder, dtype)
                inputs = InternVLInputs(tokenizer, network.config.image_seq_length, max_tiles=max_tiles)
            except (OSError, ValueError, ImportError) as err:
                raise JudgeModelNotFound(not_found_message(task, source, err)) from err
            return _loaded(network.to(device), None if head is None else head.to(device), inputs, task)

        self._setup(LazyWeights(load), task=task, revision=revision)

    @classmethod
    def from_components(
        cls,
        network: torch.nn.Module,
        head: ScoreHead | None,
        inputs: InternVLInputs,
        *,
        task: str,
        revision: str,
    ) -> LMM4LMMJudge:
        """A judge around an already built model (tests, benchmarks). ``revision`` keys the cache."""
        _check_task(task)
        judge = cls.__new__(cls)
        loaded = _loaded(network.eval(), None if head is None else head.eval(), inputs, task)
        judge._setup(LazyWeights.loaded_already(loaded), task=task, revision=revision)
        return judge

    def _setup(self, weights: LazyWeights[_Loaded], *, task: str, revision: str) -> None:
        self._weights = weights
        self.task = task
        self.template = PROMPTS[task]
        self.judge_id = f"lmm4lmm-{task}"
        self.revision = revision
        self.prompt_version = self.template.version(task)
        self.score_names = SCORE_NAMES[task]
        self.uses_question = task == "qa"
        self.uses_prompt = task == "correspondence"

    @property
    def model(self) -> torch.nn.Module:
        """The InternVL network (loaded on first use)."""
        return self._weights.get().network

    @property
    def head(self) -> ScoreHead | None:
        """The regression head of the perception and correspondence checkpoints (loaded on first use)."""
        return self._weights.get().head

    @property
    def inputs(self) -> InternVLInputs:
        """The checkpoint's input builder (loaded on first use)."""
        return self._weights.get().inputs

    @property
    def yes_id(self) -> int:
        """The qa checkpoint's token for "Yes" as the answer's first token."""
        return self._weights.get().yes_id

    @property
    def no_id(self) -> int:
        """The qa checkpoint's token for "No" as the answer's first token."""
        return self._weights.get().no_id

    @property
    def answer_length(self) -> int:
        """Tokens of the forced answer the qa checkpoint is read at."""
        return self._weights.get().answer_length

    def question_for(self, item: ScoringItem) -> str:
        """The user turn shown for one item (after the image)."""
        return self.template.question.format(
            prompt=item.prompt.strip(), question=(item.question or "").strip()
        )

    def encode(self, item: ScoringItem) -> Encoded:
        return self.inputs.encode(item.media.data, self.question_for(item), self.template.answer)

    def score_batch(self, items: Sequence[ScoringItem]) -> list[Scores]:
        """Score a batch in order (``ScoringJudge`` protocol); undecodable images and media other
        than images are reported via ``PartialScores`` while the rest of the batch is scored."""
        failures: dict[int, str] = {}

        def encode(index: int) -> Encoded | None:
            if items[index].media.kind != "image":
                failures[index] = f"LMM4LMM scores images, not {items[index].media.media_type}"
                return None
            try:
                return self.encode(items[index])
            except (OSError, ValueError) as err:  # PIL: UnidentifiedImageError, truncated data, bombs
                failures[index] = f"image does not decode: {type(err).__name__}: {err}"
                return None

        # decoding and resizing release the GIL: preparing a batch's images in threads keeps a GPU fed
        with ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1, 8))) as pool:
            encoded = list(pool.map(encode, range(len(items))))
        good = [row for row in encoded if row is not None]
        scored = iter(self._forward(good) if good else [])
        results: list[Scores | None] = [None if row is None else next(scored) for row in encoded]
        if failures:
            raise PartialScores(results, failures)
        return [r for r in results if r is not None]

    @torch.inference_mode()
    def hidden_states(self, rows: Sequence[Encoded], last: int) -> torch.Tensor:
        """Final-norm hidden states of the ``last`` positions of each row: (batch, last, hidden)."""
        parameter = next(self.model.parameters())
        batch = self.inputs.collate(rows, parameter.device, parameter.dtype)
        output = self.model.model(**batch, use_cache=False)
        return output.last_hidden_state[:, -last:]

    @torch.inference_mode()
    def _forward(self, rows: Sequence[Encoded]) -> list[Scores]:
        if self.task != "qa":
            assert self.head is not None
            hidden = self.hidden_states(rows, -READ_POSITION)[:, 0]
            values = self.head(hidden.to(next(self.head.parameters()).dtype)).float().cpu()
            return [{self.task: float(v)} for v in values]
        # the positions predicting the forced answer tokens: -(k+2) .. -3 (the last token is <|im_end|>)
        k = self.answer_length
        hidden = self.hidden_states(rows, k + 2)[:, :k]
        logits = self.model.lm_head(hidden).float()
        first = logits[:, 0, [self.yes_id, self.no_id]].softmax(-1)[:, 0].cpu()
        results = []
        for row_logits, p_yes in zip(logits, first, strict=True):
            answer = official_answer(self.inputs.tokenizer.decode(row_logits.argmax(-1).tolist()))
            yes = answer == "Yes" if answer is not None else bool(p_yes >= 0.5)
            parsed = float(answer is not None)
            results.append({"yes": float(yes), "p_yes": float(p_yes), "answer_parsed": parsed})
        return results


def official_answer(text: str) -> str | None:
    """The official ``eval_qa.py`` reading of a decoded answer: a substring test, 'yes' first
    (so "Yes, not really" is Yes and "I do not know" is No); ``None`` when neither word occurs."""
    lowered = text.lower()
    if "yes" in lowered:
        return "Yes"
    if "no" in lowered:
        return "No"
    return None


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"unknown LMM4LMM task {task!r}; choose from {', '.join(TASKS)}")


def _dtype(dtype: str | torch.dtype | None, device: str) -> torch.dtype:
    if dtype is None or dtype == "auto":
        return torch.bfloat16 if str(device).startswith("cuda") else torch.float32
    return getattr(torch, dtype) if isinstance(dtype, str) else dtype
