"""IntJudge, the OpenING judge model (a Qwen2-VL-7B fine-tune), on transformers.

Two ways to get a verdict:

- ``mode="score"`` (default): one batched forward pass over the prompts; the verdict is the most
  likely of the four verdict strings (``A is better`` …), and their softmax over the summed token
  log-probabilities gives the probabilities. No decoding and no batch of one: the official script
  decodes each pair alone until end-of-sequence (a few tokens after the verdict) or 128 tokens.
  Both are bound by the prompt's prefill; ``perf/judge_throughput.py`` measures how close.
- ``mode="generate"``: the official procedure, kept as a reference: greedy decoding of up to
  ``max_new_tokens`` tokens, one pair at a time, and the reply parsed by ``genjudge.judges.parsing``.

Hub ids are defaults, not requirements: ``model`` may be a local folder. Offline without the
checkpoint, building the judge fails with ``JudgeModelNotFound`` saying what to download and where
to pass it. The weights themselves load on the first batch to judge (``genjudge.judges.lazy_weights``):
the judge's cache identity is settled without them, so a fully cached run never loads them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import torch
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id

from genjudge.judges.continuations import continuation_logprobs
from genjudge.judges.lazy_weights import LazyWeights
from genjudge.judges.parsing import verdicts_from_replies
from genjudge.judges.prompts import (
    VERDICT_STRINGS,
    BuiltinPrompt,
    JudgePrompt,
    item_prompt,
    pairwise_prompt_version,
    pairwise_system_prompt,
)
from genjudge.judges.protocol import VERDICT_LABELS, JudgeModelNotFound, PairwiseItem, Verdict
from genjudge.judges.qwen_vl_inputs import QwenVLInputs
from genjudge.safe_io.redaction import redact

DEFAULT_MODEL = "IntJudge/IntJudge"
WEIGHT_SUFFIXES = (".safetensors", ".bin")
GPU_BATCH_TOKENS = 32768
CPU_BATCH_TOKENS = 4096


def _not_found_message(model: str, error: BaseException) -> str:
    folder = "./judges/IntJudge"
    no_folder = model != DEFAULT_MODEL and not Path(model).exists()
    also_no_folder = f"(There is no local folder {model!r} either.)\n" if no_folder else ""
    return (
        f"Could not load the IntJudge checkpoint {model!r}: {type(error).__name__}: {redact(str(error))}\n"
        f"{also_no_folder}"
        f"Download it once (about 16 GB) on a machine with network access:\n"
        f"{_download_hint(folder)}\n"
        f"then pass the folder as the model:\n"
        f"    Python:   IntJudge(model='{folder}')  or  load_judge('intjudge', model='{folder}')\n"
        f"    CLI:      genjudge judge pairs ... --judge intjudge --option model={folder}\n"
        f"    evaluate: evaluate.load('intjudge', 'intjudge', model='{folder}')"
    )


def _download_hint(folder: str | Path) -> str:
    return (
        f"    hf download {DEFAULT_MODEL} --local-dir {folder}\n"
        f"  (older huggingface_hub: huggingface-cli download {DEFAULT_MODEL} --local-dir {folder})"
    )


def _check_local_folder(model: str) -> None:
    """Refuse a local checkpoint path that is not there, before transformers reads it as a Hub id.

    A string that cannot be a Hub repo id (``/models/x``, ``./x``, ``a/b/c``) can only mean a
    folder; transformers would report a missing one as an invalid repo id. A string shaped like a
    repo id (``IntJudge/IntJudge``) may be either and is left to transformers.
    """
    if _could_be_repo_id(model):
        return
    path = Path(model).expanduser()
    if not path.exists():
        raise JudgeModelNotFound(
            f"The IntJudge checkpoint folder {str(path)!r} does not exist "
            f"(working directory: {Path.cwd()}).\n"
            f"Check the path, or download the checkpoint there (about 16 GB) with network access:\n"
            f"{_download_hint(path)}"
        )
    if not path.is_dir():
        raise JudgeModelNotFound(
            f"{str(path)!r} is a file; pass the IntJudge checkpoint folder (the one holding config.json)"
        )


def _could_be_repo_id(model: str) -> bool:
    try:
        validate_repo_id(model)
    except HFValidationError:
        return False
    return True


def _weights_digest(folder: Path) -> str:
    """sha256 over the weight files of a local checkpoint, so retrained weights get a new revision."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))
    for path in [folder / "config.json", *files]:
        if not path.exists():
            continue
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _load_inputs(source: str, hub_kwargs: dict[str, Any], max_pixels: int | None) -> QwenVLInputs:
    """Tokenizer + image processor (+ chat template) of a checkpoint.

    ``AutoProcessor`` is tried first (what real checkpoints ship). It needs torchvision for
    Qwen2-VL; without it, or for folders without a processor config, the tokenizer and image
    processor are loaded on their own, which builds the same inputs.
    """
    from transformers import AutoImageProcessor, AutoProcessor, AutoTokenizer

    try:
        processor = AutoProcessor.from_pretrained(source, **hub_kwargs)
    except ImportError:
        processor = None
    if processor is not None and hasattr(processor, "image_processor"):
        return QwenVLInputs.from_processor(processor, max_pixels=max_pixels)
    tokenizer = processor if processor is not None else AutoTokenizer.from_pretrained(source, **hub_kwargs)
    image_processor = AutoImageProcessor.from_pretrained(source, **hub_kwargs)
    return QwenVLInputs(
        tokenizer=tokenizer,
        image_processor=image_processor,
        chat_template=getattr(tokenizer, "chat_template", None)
        or _processor_chat_template(source, hub_kwargs),
        max_pixels=max_pixels,
    )


def _processor_chat_template(source: str, hub_kwargs: dict[str, Any]) -> str | None:
    """The chat template a processor keeps in its own file, for when the processor cannot be built."""
    from transformers.utils import cached_file

    for filename in ("chat_template.jinja", "chat_template.json"):
        path = cached_file(source, filename, _raise_exceptions_for_missing_entries=False, **hub_kwargs)
        if path is None:
            continue
        text = Path(path).read_text(encoding="utf-8")
        return json.loads(text)["chat_template"] if filename.endswith(".json") else text
    return None


def _load_network(
    source: str, device: str, hub_kwargs: dict[str, Any], model_kwargs: dict[str, Any]
) -> torch.nn.Module:
    """The Qwen2-VL network of a checkpoint, or of a LoRA adapter folder merged into its base.

    A folder with ``adapter_config.json`` (what ``genjudge judge train`` writes) names its base model;
    the base is loaded as any checkpoint would be and the adapter merged in, so judging runs at the
    base model's speed.
    """
    from transformers import Qwen2VLForConditionalGeneration

    if not (Path(source) / "adapter_config.json").is_file():
        return Qwen2VLForConditionalGeneration.from_pretrained(
            source, device_map=device, **hub_kwargs, **model_kwargs
        )
    try:
        from peft import PeftConfig, PeftModel
    except ImportError as err:
        raise ImportError(
            f"{source} is a LoRA adapter; loading it needs peft: `pip install 'genjudge[train]'`"
        ) from err
    base = PeftConfig.from_pretrained(source).base_model_name_or_path
    _check_local_folder(base)
    base_kwargs = {k: v for k, v in hub_kwargs.items() if k == "local_files_only"}
    network = Qwen2VLForConditionalGeneration.from_pretrained(
        base, device_map=device, **base_kwargs, **model_kwargs
    )
    return PeftModel.from_pretrained(network, source).merge_and_unload()


def _hub_commit(source: str, hub_kwargs: dict[str, Any]) -> str | None:
    """The Hub commit a checkpoint id (and ``revision``) resolves to, from its ``config.json`` alone
    (fetched, or found in the local cache); ``None`` for a local folder."""
    if Path(source).is_dir():
        return None
    from transformers.utils import cached_file

    config = Path(cached_file(source, "config.json", **hub_kwargs))
    return config.parent.name if config.parent.parent.name == "snapshots" else None


def _check_adapter_base(source: str) -> None:
    """Refuse a LoRA adapter folder whose base checkpoint folder is gone, before anything loads."""
    adapter = Path(source) / "adapter_config.json"
    if adapter.is_file():
        base = json.loads(adapter.read_text(encoding="utf-8")).get("base_model_name_or_path")
        if isinstance(base, str):
            _check_local_folder(base)


def length_groups(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Indices grouped by ascending length so that rows x longest length stays within ``max_tokens``.

    A prompt longer than ``max_tokens`` gets a group of its own.
    """
    groups: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        if groups and (len(groups[-1]) + 1) * lengths[index] <= max_tokens:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


class IntJudge:
    """The IntJudge pairwise judge (``PairwiseJudge`` protocol).

    Args:
        model: hub id or local folder of a Qwen2-VL judge checkpoint.
        revision: hub revision; also the cache revision when given. Otherwise the revision is the
            hub commit of the snapshot, or for a local folder a sha256 of its weight files
            (read when the judge is built, about 16 GB for IntJudge; pass ``revision=`` to skip that).
        device: ``"cuda"``, ``"cpu"``…; default: CUDA when available.
        dtype: torch dtype or ``"auto"`` (the checkpoint's own, bf16 for IntJudge).
        mode: ``"score"`` (batched verdict log-probabilities) or ``"generate"`` (official decoding).
        max_new_tokens: decoding budget of ``generate`` mode (official: 128).
        system_prompt: the built-in system message: ``"intjudge"`` (default: the official one
            sentence the released weights were fine-tuned with) or ``"genjudge"`` (genjudge's long
            criteria prompt, for judges trained with it).
        system_prompt_path: a text file holding the system prompt to use instead of a built-in one;
            changes ``prompt_version``.
        attn_implementation: passed to transformers (``"flash_attention_2"`` as the official script,
            ``"sdpa"``…); default: transformers' choice.
        local_files_only: never touch the network; default: follow ``HF_HUB_OFFLINE``.
        max_pixels: cap on pixels per image before patching (default: the checkpoint's setting).
        include_reference: show the gold reference (``PairwiseItem.reference``) to the judge.
        on_unparseable: ``generate`` mode only: ``"raise"`` reports replies naming no verdict
            (``PartialVerdicts``); ``"official"`` reads every reply with the official rule.
        seed: seeds the official rule's random side, per item.
        max_batch_tokens: score mode runs at most this many (padded) prompt tokens per forward pass;
            default 32768 on a GPU, 4096 on CPU (where bigger batches measured slower per pair).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        revision: str | None = None,
        device: str | None = None,
        dtype: str | torch.dtype = "auto",
        mode: Literal["score", "generate"] = "score",
        max_new_tokens: int = 128,
        system_prompt: BuiltinPrompt = "intjudge",
        system_prompt_path: str | Path | None = None,
        attn_implementation: str | None = None,
        local_files_only: bool | None = None,
        max_pixels: int | None = None,
        include_reference: bool = False,
        on_unparseable: Literal["raise", "official"] = "raise",
        seed: int = 0,
        max_batch_tokens: int | None = None,
    ) -> None:
        source = str(model)
        hub_kwargs: dict[str, Any] = {"revision": revision}
        if local_files_only is not None:
            hub_kwargs["local_files_only"] = local_files_only
        model_kwargs: dict[str, Any] = {"dtype": dtype}
        if attn_implementation is not None:
            model_kwargs["attn_implementation"] = attn_implementation
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        _check_local_folder(source)
        _check_adapter_base(source)
        if revision is None:
            try:
                commit = _hub_commit(source, hub_kwargs)
            except (OSError, ValueError) as err:
                raise JudgeModelNotFound(_not_found_message(source, err)) from err
            folder = Path(source)
            revision = commit or (f"local-sha256:{_weights_digest(folder)}" if folder.is_dir() else "unknown")

        def load() -> tuple[torch.nn.Module, QwenVLInputs]:
            try:
                network = _load_network(source, device, hub_kwargs, model_kwargs)
                inputs = _load_inputs(source, hub_kwargs, max_pixels)
            except (OSError, ValueError) as err:
                raise JudgeModelNotFound(_not_found_message(source, err)) from err
            return network.eval(), inputs

        self._setup(
            LazyWeights(load),
            "cpu" if device.startswith("cpu") else device,
            revision=revision,
            mode=mode,
            max_new_tokens=max_new_tokens,
            system_prompt=system_prompt,
            system_prompt_path=system_prompt_path,
            include_reference=include_reference,
            on_unparseable=on_unparseable,
            seed=seed,
            max_batch_tokens=max_batch_tokens,
        )

    @classmethod
    def from_components(
        cls, network: torch.nn.Module, inputs: QwenVLInputs, *, revision: str, **settings: Any
    ) -> IntJudge:
        """A judge around an already built model and input builder (benchmarks, experiments).

        ``revision`` must identify the weights: it keys the verdict cache. ``settings`` are the
        judging options of the constructor (``mode``, ``max_new_tokens``, ``system_prompt``,
        ``system_prompt_path``, ``include_reference``, ``on_unparseable``, ``seed``,
        ``max_batch_tokens``), same defaults.
        """
        judge = cls.__new__(cls)
        device_type = next(network.parameters()).device.type
        judge._setup(
            LazyWeights.loaded_already((network.eval(), inputs)), device_type, revision=revision, **settings
        )
        return judge

    def _setup(
        self,
        weights: LazyWeights[tuple[torch.nn.Module, QwenVLInputs]],
        device_type: str,
        *,
        revision: str,
        mode: Literal["score", "generate"] = "score",
        max_new_tokens: int = 128,
        system_prompt: BuiltinPrompt = "intjudge",
        system_prompt_path: str | Path | None = None,
        include_reference: bool = False,
        on_unparseable: Literal["raise", "official"] = "raise",
        seed: int = 0,
        max_batch_tokens: int | None = None,
    ) -> None:
        """Validate and store the judging options; shared by the constructor and ``from_components``."""
        if mode not in ("score", "generate"):
            raise ValueError(f"mode must be 'score' or 'generate', not {mode!r}")
        if on_unparseable not in ("raise", "official"):
            raise ValueError(f"on_unparseable must be 'raise' or 'official', not {on_unparseable!r}")
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        if max_batch_tokens is None:
            max_batch_tokens = GPU_BATCH_TOKENS if device_type != "cpu" else CPU_BATCH_TOKENS
        if max_batch_tokens < 1:
            raise ValueError(f"max_batch_tokens must be at least 1, not {max_batch_tokens}")
        self.max_batch_tokens = max_batch_tokens
        self._weights = weights
        self.mode = mode
        self.max_new_tokens = max_new_tokens
        self.include_reference = include_reference
        self.on_unparseable = on_unparseable
        self.seed = seed
        self.system_prompt = pairwise_system_prompt(system_prompt_path, builtin=system_prompt)
        self.judge_id = "intjudge" if mode == "score" else f"intjudge-generate-{max_new_tokens}"
        if mode == "generate" and on_unparseable == "official":
            self.judge_id += "-official-lean"
        self.revision = revision
        self.prompt_version = pairwise_prompt_version(self.system_prompt, with_reference=include_reference)

    @property
    def model(self) -> torch.nn.Module:
        """The Qwen2-VL network (loaded on first use)."""
        return self._weights.get()[0]

    @property
    def inputs(self) -> QwenVLInputs:
        """The checkpoint's input builder: tokenizer and image processor (loaded on first use)."""
        return self._weights.get()[1]

    @functools.cached_property
    def verdict_token_ids(self) -> list[list[int]]:
        """The token ids of each verdict string, in ``VERDICT_LABELS`` order."""
        return [self.inputs.token_ids(VERDICT_STRINGS[label]) for label in VERDICT_LABELS]

    def prompt(self, item: PairwiseItem) -> JudgePrompt:
        """The prompt shown to the judge for one item."""
        return item_prompt(item, system=self.system_prompt, include_reference=self.include_reference)

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        """Judge a batch in order (``PairwiseJudge`` protocol)."""
        if not items:
            return []
        if self.mode == "score":
            return self._score(items)
        return self._generate(items)

    def verdict_logprobs(self, items: Sequence[PairwiseItem]) -> torch.Tensor:
        """Summed log-probabilities of the four verdict strings: (len(items), 4), ``VERDICT_LABELS`` order.

        Prompts are sorted by length and run in groups of at most ``max_batch_tokens`` padded
        tokens, so little compute goes to padding and long prompts do not exhaust memory.
        """
        result = torch.empty(len(items), len(VERDICT_LABELS))
        for group, batch in self.padded_batches(items):
            scores = continuation_logprobs(
                self.model, batch, self.verdict_token_ids, self.inputs.pad_token_id
            )
            result[group] = scores.cpu()
        return result

    def padded_batches(
        self, items: Sequence[PairwiseItem]
    ) -> Iterator[tuple[list[int], dict[str, torch.Tensor]]]:
        """The forward passes score mode runs over ``items``: (indices into ``items``, padded inputs) each.

        Exposed so that a benchmark can time the bare prefill of exactly these batches.
        """
        encoded = self.inputs.encode_many([self.prompt(item) for item in items])
        for group in length_groups([len(e.input_ids) for e in encoded], self.max_batch_tokens):
            yield group, self.inputs.collate([encoded[i] for i in group])

    def _score(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        logprobs = self.verdict_logprobs(items)
        probabilities = torch.softmax(logprobs, dim=-1)
        verdicts = []
        for row in probabilities:
            best = int(row.argmax())
            verdicts.append(
                Verdict(
                    winner=VERDICT_LABELS[best],
                    probabilities={label: float(p) for label, p in zip(VERDICT_LABELS, row, strict=True)},
                    raw=None,
                )
            )
        return verdicts

    @torch.inference_mode()
    def generate_ids(self, item: PairwiseItem) -> list[int]:
        """The token ids of the judge's greedy reply to one item (official: one pair at a time)."""
        batch = {k: v.to(self.model.device) for k, v in self.inputs.batch([self.prompt(item)]).items()}
        out = self.model.generate(
            **batch,
            max_new_tokens=self.max_new_tokens,
            do_sample=False,
            pad_token_id=self.inputs.pad_token_id,
        )
        return out[0, batch["input_ids"].shape[1] :].tolist()

    def generate_reply(self, item: PairwiseItem) -> str:
        """The judge's greedy reply to one item, decoded as the official script does."""
        return self.inputs.decode(self.generate_ids(item))

    def _generate(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        replies = [self.generate_reply(item) for item in items]
        return verdicts_from_replies(items, replies, on_unparseable=self.on_unparseable, seed=self.seed)
