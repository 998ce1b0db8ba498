"""The reference-similarity judge: genjudge's offline default pairwise judge.

This is a **baseline, not IntJudge**. It never reads the question; it prefers the output that
is closer to the human-written gold answer OpenING ships with every instance:

* **Text:** cosine similarity (clipped at 0) between the output's text and the reference's
  text, using the pinned, hash-checked all-MiniLM-L6-v2 embedder, or a token TF-IDF cosine
  when that is unavailable (see :mod:`genjudge.judges.embedder`).
* **Images:** a cheap perceptual similarity per image pair — the mean of an 8×8 colour-layout
  closeness (1 − mean absolute RGB difference, like MPEG-7's colour layout descriptor) and the
  correlation of 16×16 grayscale thumbnails mapped to [0, 1] (structure) — matched both ways
  between the output's and the reference's images and averaged. Continuous measures, so
  near-identical colours never fall on opposite sides of a histogram bin edge.
* **Score** = ``text_weight`` × text + (1 − ``text_weight``) × image when the reference has
  images, else the text similarity alone.

The maintainers count an output with an empty text or no image as a loss; here that applies
when the reference has text (or images) and exactly one output lacks it: the other output wins
outright, with probability 1.

Otherwise the verdict comes from the margin ``m = score_A − score_B``: a decisive win when
``|m| ≥ tie_margin``, else a tie leaning to the higher score. Probabilities are a softmax whose
logits are linear in the margin, ``logit_k = (c_k·m − c_k²/2) / temperature²`` with centres
``c = (+1.5, +0.5, −0.5, −1.5) × tie_margin`` for (A, Tie(A), Tie(B), B). That is the posterior
of four equal-variance Gaussians centred on the label regions, so the most probable label is
always the verdict, and the probabilities sharpen as the margin grows.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, UnidentifiedImageError

from genjudge.core.records import Step
from genjudge.judges.embedder import (
    MINILM_SHA256,
    EmbedderUnavailable,
    LexicalSimilarity,
    TextSimilarity,
    load_minilm,
)
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem, Verdict

_MARKER = re.compile(r"</?(?:BEGIN|END|image|IMG_\d+)>", re.IGNORECASE)
_SCORING_VERSION = "1"


class ReferenceSimilarityJudge:
    """Pairwise judge that prefers the output closer to the gold reference (offline, CPU).

    ``embedder``: ``"auto"`` (MiniLM, else the lexical fallback with a warning), ``"minilm"``
    (error if unavailable) or ``"lexical"``. ``model_dir`` points at another copy of the MiniLM
    folder; its weights must still hash to ``expected_sha256``.
    """

    prompt_version = "none"  # no prompt: the judge never reads the question

    def __init__(
        self,
        *,
        embedder: Literal["auto", "minilm", "lexical"] = "auto",
        model_dir: str | Path | None = None,
        expected_sha256: str = MINILM_SHA256,
        text_weight: float = 0.5,
        tie_margin: float = 0.02,
        temperature: float = 0.04,
    ) -> None:
        if not 0.0 <= text_weight <= 1.0:
            raise ValueError(f"text_weight must lie in [0, 1], got {text_weight}")
        if tie_margin <= 0 or temperature <= 0:
            raise ValueError(f"need tie_margin > 0 and temperature > 0, got {tie_margin}, {temperature}")
        self.text_weight = text_weight
        self.tie_margin = tie_margin
        self.temperature = temperature
        self.text_similarity = _pick_embedder(embedder, model_dir, expected_sha256)
        self.judge_id = f"reference-similarity/{self.text_similarity.name}"
        self.revision = (
            f"{_SCORING_VERSION}+{self.text_similarity.revision};"
            f"w={text_weight:g};tie={tie_margin:g};t={temperature:g}"
        )

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        for index, item in enumerate(items):
            if item.reference is None:
                raise ValueError(
                    f"the reference-similarity judge compares outputs with the gold answer, but item "
                    f"{index} of the batch has no reference"
                )
        texts = [(_text(item.reference or ()), _text(item.output_a), _text(item.output_b)) for item in items]
        text_sims = np.clip(self.text_similarity.similarities(texts), 0.0, 1.0)
        return [
            self._verdict(item, triple, sims)
            for item, triple, sims in zip(items, texts, text_sims, strict=True)
        ]

    def scores(self, item: PairwiseItem) -> tuple[float, float]:
        """The (score_A, score_B) similarity scores behind a verdict, for inspection."""
        texts = [(_text(item.reference or ()), _text(item.output_a), _text(item.output_b))]
        sims = np.clip(self.text_similarity.similarities(texts), 0.0, 1.0)[0]
        return self._combined(item, sims)[:2]

    def _verdict(self, item: PairwiseItem, texts: tuple[str, str, str], text_sims: np.ndarray) -> Verdict:
        reference_text, *_ = texts
        reference_images = _images(item.reference or ())
        lacking = [
            (bool(reference_text) and not text) or (bool(reference_images) and not _images(output))
            for text, output in ((texts[1], item.output_a), (texts[2], item.output_b))
        ]
        if lacking[0] != lacking[1]:
            winner = "B" if lacking[0] else "A"
            empty = "A" if lacking[0] else "B"
            probabilities = {label: float(label == winner) for label in VERDICT_LABELS}
            return Verdict(winner, probabilities, f"output {empty} lacks the text or image the reference has")
        score_a, score_b, detail = self._combined(item, text_sims)
        margin = score_a - score_b
        probabilities = self._probabilities(margin)
        winner = max(VERDICT_LABELS, key=lambda label: probabilities[label])
        raw = f"score_A={score_a:.4f} score_B={score_b:.4f} margin={margin:+.4f} ({detail})"
        return Verdict(winner, probabilities, raw)

    def _combined(self, item: PairwiseItem, text_sims: np.ndarray) -> tuple[float, float, str]:
        reference_images = _images(item.reference or ())
        text_a, text_b = float(text_sims[0]), float(text_sims[1])
        if not reference_images:
            return text_a, text_b, f"text {text_a:.3f}/{text_b:.3f}"
        features = [_image_features(image) for image in reference_images]
        image_a = _set_similarity(features, [_image_features(i) for i in _images(item.output_a)])
        image_b = _set_similarity(features, [_image_features(i) for i in _images(item.output_b)])
        weight = self.text_weight if _text(item.reference or ()) else 0.0
        score_a = weight * text_a + (1 - weight) * image_a
        score_b = weight * text_b + (1 - weight) * image_b
        return score_a, score_b, f"text {text_a:.3f}/{text_b:.3f}, image {image_a:.3f}/{image_b:.3f}"

    def _probabilities(self, margin: float) -> dict[str, float]:
        centres = np.array([1.5, -1.5, 0.5, -0.5]) * self.tie_margin  # order of VERDICT_LABELS
        logits = (centres * margin - centres**2 / 2) / self.temperature**2
        weights = np.exp(logits - logits.max())
        weights /= weights.sum()
        return {label: float(w) for label, w in zip(VERDICT_LABELS, weights, strict=True)}


def _pick_embedder(embedder: str, model_dir: str | Path | None, expected_sha256: str) -> TextSimilarity:
    if embedder == "lexical":
        return LexicalSimilarity()
    if embedder not in ("auto", "minilm"):
        raise ValueError(f"embedder must be 'auto', 'minilm' or 'lexical', got {embedder!r}")
    try:
        return load_minilm(model_dir, expected_sha256)
    except EmbedderUnavailable as err:
        if embedder == "minilm":
            raise
        warnings.warn(
            f"reference-similarity judge: sentence embedder unavailable ({err}); using the lexical "
            "TF-IDF fallback (judge id reference-similarity/lexical-tfidf)",
            RuntimeWarning,
            stacklevel=3,
        )
        return LexicalSimilarity()


def _text(steps: Sequence[Step]) -> str:
    return " ".join(" ".join(_MARKER.sub(" ", step.text).split()) for step in steps).strip()


def _images(steps: Sequence[Step]) -> list[bytes]:
    return [step.image for step in steps if step.image]


def _image_features(data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """An 8×8 RGB colour layout (values in [0, 1]) and a zero-mean unit 16×16 grayscale thumbnail."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (64, 64))  # lets JPEG decode at reduced size: much faster on big images
            rgb = img.convert("RGB").resize((16, 16), Image.Resampling.BILINEAR)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    layout = np.asarray(rgb.resize((8, 8), Image.Resampling.BILINEAR), dtype=float) / 255.0
    gray = np.asarray(rgb.convert("L"), dtype=float).ravel()
    gray -= gray.mean()
    norm = np.linalg.norm(gray)
    return layout, (gray / norm if norm > 0 else gray)


def _image_similarity(
    x: tuple[np.ndarray, np.ndarray] | None, y: tuple[np.ndarray, np.ndarray] | None
) -> float:
    """Mean of colour-layout closeness (1 − mean absolute difference) and grayscale correlation in [0, 1]."""
    if x is None or y is None:
        return 0.0
    colour = 1.0 - float(np.abs(x[0] - y[0]).mean())
    structure = (float(x[1] @ y[1]) + 1.0) / 2.0
    return (colour + structure) / 2.0


def _set_similarity(reference: list, output: list) -> float:
    """Best-match similarity averaged both ways, so missing and surplus images both cost."""
    if not output:
        return 0.0
    matrix = np.array([[_image_similarity(r, o) for o in output] for r in reference])
    return float((matrix.max(axis=1).mean() + matrix.max(axis=0).mean()) / 2.0)
