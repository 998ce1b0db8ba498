"""Pairwise judging of interleaved text+image outputs (OpenING / IntJudge) as an evaluate module.

A thin adapter: the judging logic lives in ``genjudge.judges`` (see genjudge.judges.interleaved).
"""
# ruff: noqa: I001  (evaluate reads the imports line by line to check requirements: one per line)

import datasets
import evaluate

from genjudge.judges.interleaved import judge_interleaved
from genjudge.judges.interleaved import module_backend
from genjudge.judges.interleaved import split_module_kwargs
from genjudge.judges.registry import load_judge
from genjudge.benchmarks.opening.citation import CITATION


_DESCRIPTION = """\
Compares two interleaved image-text outputs for the same input and says which is better, as the
OpenING benchmark does: one of A, B, Tie(A), Tie(B) (a tie leaning to one side), with the
probability of each, plus win rates over all pairs. The configuration picks the judge backend:

- "reference" (default): an offline reference-similarity baseline that prefers the output closer
  to the gold answer (sentence embeddings for text, a perceptual measure for images). Not IntJudge.
- "intjudge": the IntJudge model (Qwen2-VL fine-tune) on transformers; pass model=<local path or hub id>.
- "api": any OpenAI-compatible chat-completions endpoint; pass base_url=..., model=...

Backend options go to evaluate.load(..., **options); verdicts can be cached in a SQLite file.
"""

_KWARGS_DESCRIPTION = """\
Args:
    inputs: list of interleaved inputs, one per pair; each a list of steps
        {"text": str, "image": image or None}.
    outputs_a: the first output of each pair, same shape.
    outputs_b: the second output of each pair, same shape.
    references: optional gold answers, same shape (an empty list = no gold answer for that pair).
        The "reference" backend needs them.
    model_a: optional list naming the model behind each output A (with model_b: win rates per model).
    model_b: optional list naming the model behind each output B.
    swap: also judge every pair in the order B|A and combine (cancels position bias). Default False.
    batch_size: pairs per judge call. Default 8.
    max_image_side: downscale images whose longest side exceeds this many pixels. Default None.
    verdict_cache: path of a SQLite verdict cache to reuse and extend. Default None.
Returns:
    verdicts: list of "A", "B", "Tie(A)" or "Tie(B)", one per pair.
    probabilities: list of {label: probability}, one per pair.
    cached: list of bools, whether each verdict came from the verdict cache.
    win_rates: per model (with model_a/model_b) or per side ("A", "B"): the four OpenING win-rate
        variants "fdt" (force-dividing tie, the headline), "with_tie_0", "with_tie_05",
        "without_tie", and "battles".
    judge, judge_revision: which judge produced the verdicts.
    consistency_rate: with swap, share of pairs both orders agree on; else None.
Examples:
    >>> judge = evaluate.load("intjudge", "reference", embedder="lexical")
    >>> gold = [{"text": "Boil the pasta for ten minutes, then add tomato sauce.", "image": None}]
    >>> results = judge.compute(
    ...     inputs=[[{"text": "How do I cook pasta?", "image": None}]],
    ...     outputs_a=[[{"text": "Boil pasta ten minutes and add tomato sauce.", "image": None}]],
    ...     outputs_b=[[{"text": "Take the bus to the station.", "image": None}]],
    ...     references=[gold],
    ...     model_a=["chef-model"],
    ...     model_b=["bus-model"],
    ... )
    >>> results["verdicts"], results["win_rates"]["chef-model"]["fdt"]
    (['A'], 1.0)
"""

_STEPS = datasets.List({"text": datasets.Value("string"), "image": datasets.Image(decode=False)})


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Intjudge(evaluate.Metric):
    """Pairwise verdicts on interleaved outputs; the config name picks the judge backend."""

    def __init__(self, *args, **kwargs):
        module_kwargs, self.judge_options = split_module_kwargs(kwargs, evaluate.EvaluationModule.__init__)
        super().__init__(*args, **module_kwargs)
        self.backend = module_backend(self.config_name)
        self._judge = None

    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"inputs": _STEPS, "outputs_a": _STEPS, "outputs_b": _STEPS, "references": _STEPS}
            ),
            homepage="https://github.com/LanceZPF/OpenING",
            codebase_urls=["https://github.com/LanceZPF/OpenING"],
        )

    def compute(self, *, references=None, **kwargs):
        """Judge the pairs; ``references`` may be left out when the backend does not need them."""
        if references is None and kwargs.get("inputs") is not None:
            references = [[] for _ in kwargs["inputs"]]
        return super().compute(references=references, **kwargs)

    def _compute(
        self,
        inputs,
        outputs_a,
        outputs_b,
        references,
        model_a=None,
        model_b=None,
        swap=False,
        batch_size=8,
        max_image_side=None,
        verdict_cache=None,
    ):
        if self._judge is None:
            self._judge = load_judge(self.backend, **self.judge_options)
        return judge_interleaved(
            self._judge,
            inputs,
            outputs_a,
            outputs_b,
            references,
            model_a=model_a,
            model_b=model_b,
            cache=verdict_cache,
            batch_size=batch_size,
            max_image_side=max_image_side,
            swap=swap,
            progress=False,
        )
