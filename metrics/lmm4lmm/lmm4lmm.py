"""LMM4LMM (EvalMi-50K) scores for generated images as an evaluate module.

A thin adapter: loading is ``genjudge.judges.registry``, scoring is
``genjudge.judges.scored_images.score_images``.
"""

import datasets
import evaluate

from genjudge.judges.interleaved import split_module_kwargs
from genjudge.judges.lmm4lmm.prompts import TASKS
from genjudge.judges.registry import load_scoring_judge
from genjudge.judges.scored_images import score_images

_CITATION = """\
@inproceedings{wang2025lmm4lmm,
  title={{LMM4LMM}: Benchmarking and Evaluating Large-multimodal Image Generation with {LMMs}},
  author={Wang, Jiarui and Duan, Huiyu and Zhao, Yu and Wang, Juntong and Zhai, Guangtao and Min, Xiongkuo},
  booktitle={Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year={2025},
  eprint={2504.08358},
  archivePrefix={arXiv}
}
"""

_DESCRIPTION = """\
Scores text-to-image outputs with LMM4LMM, the judge of the EvalMi-50K benchmark (three
InternVL2.5-8B fine-tunes), run on transformers' own InternVL classes with the official prompts
and read-out. The configuration picks the checkpoint:

- "perception" (default): perceptual quality of the image (IntMeGroup/LMM4LMM-Perception);
- "correspondence": how well the image matches its prompt (IntMeGroup/LMM4LMM-Correspondence);
- "qa": the yes/no answer to a question about the image (IntMeGroup/LMM4LMM-QA).

Scores are on the scale of EvalMi-50K's mean opinion scores (about 15 to 75), not 0-1. Pass
model=<local folder or hub id> and other backend options (device, dtype) to evaluate.load.
"""

_KWARGS_DESCRIPTION = """\
Args:
    images: the generated images, one per row (PIL images, encoded bytes or paths).
    prompts: the text prompt each image was generated for.
    questions: ("qa" only) the yes/no question asked about each image.
    batch_size: images per forward pass. Default 8.
    max_image_side: downscale images whose longest side exceeds this many pixels. Default None
        (the model resizes every image to 1024x1024 anyway, as the official inference does).
    score_cache: path of a SQLite cache to reuse and extend. Default None.
Returns:
    perception / correspondence: one score per image, and mean_perception / mean_correspondence;
    qa: yes (1.0 or 0.0), p_yes (probability of Yes against No), answer_parsed (0.0 when the
        model's answer held neither word), and their means (mean_yes is the share of Yes).
    cached: whether each score came from the cache.
    judge, judge_revision, prompt_version: what produced the scores.
Examples:
    >>> folder = "./judges/LMM4LMM-Perception"  # hf download IntMeGroup/LMM4LMM-Perception --local-dir ...
    >>> lmm4lmm = evaluate.load("lmm4lmm", "perception", model=folder)  # doctest: +SKIP
    >>> from PIL import Image
    >>> results = lmm4lmm.compute(  # doctest: +SKIP
    ...     images=[Image.new("RGB", (512, 512), (200, 40, 40))],
    ...     prompts=["a red square"],
    ... )
    >>> sorted(results)  # doctest: +SKIP
    ['cached', 'judge', 'judge_revision', 'mean_perception', 'perception', 'prompt_version']
"""

_ROWS = {"images": datasets.Image(decode=False), "prompts": datasets.Value("string")}


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Lmm4lmm(evaluate.Metric):
    """LMM4LMM scores per image; the config name picks the checkpoint (task)."""

    def __init__(self, *args, **kwargs):
        module_kwargs, self.judge_options = split_module_kwargs(kwargs, evaluate.EvaluationModule.__init__)
        super().__init__(*args, **module_kwargs)
        self.task = "perception" if self.config_name == "default" else self.config_name
        if self.task not in TASKS:
            raise ValueError(f"unknown lmm4lmm configuration {self.config_name!r}; choose one of {TASKS}")
        self._judge = None

    def _info(self):
        rows = dict(_ROWS)
        if self.config_name == "qa":
            rows["questions"] = datasets.Value("string")
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(rows),
            homepage="https://github.com/IntMeGroup/LMM4LMM",
            codebase_urls=["https://github.com/IntMeGroup/LMM4LMM"],
        )

    def _compute(self, images, prompts, questions=None, batch_size=8, max_image_side=None, score_cache=None):
        if self._judge is None:
            self._judge = load_scoring_judge(f"lmm4lmm-{self.task}", **self.judge_options)
        return score_images(
            self._judge,
            images,
            prompts,
            questions,
            cache=score_cache,
            batch_size=batch_size,
            max_image_side=max_image_side,
        )
