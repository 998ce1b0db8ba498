"""The per-task metrics of General-Bench, each a thin call into a library made for it.

Every function takes the predictions and references of one task, already converted to the shape
it needs by :mod:`.answers`, and returns one number on the scale of the reference sheet
(percentages as 0-100, PSNR in dB, WER in percent, errors and distances raw). Which sheet metric
name maps to which function is decided in one place, :data:`.metric_table.METRICS`.

``evaluate``'s canned modules (``evaluate.load("accuracy")`` ...) are scripts fetched from the Hub
on first use and cannot be loaded offline, so the libraries they wrap are called directly:
scikit-learn for accuracy/F1/AUC/AP/errors, ``rouge_score`` for ROUGE, NLTK for BLEU (the
official NLP scorer's own library), ``jiwer`` for WER, torchmetrics for SQuAD F1/EM, image,
segmentation and model-based metrics, pycocotools for box AP, scipy for correlations, RapidFuzz for ANLS.
Each library is imported inside the function that calls it: they come with the ``general-bench``
extra, and the rest of the package (the card, ``--help``) must work without it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.stats import pearsonr

Texts = list[str]
References = list[list[str]]
"""Each record's acceptable answers (one or more)."""


@cache
def _tokenizer():
    from nltk.tokenize import NLTKWordTokenizer

    return NLTKWordTokenizer()


def accuracy(predictions: Texts, references: References) -> float:
    """Share of records whose label equals one of the reference labels, in percent."""
    from sklearn.metrics import accuracy_score

    truth = [pred if pred in refs else refs[0] for pred, refs in zip(predictions, references, strict=True)]
    return 100.0 * accuracy_score(truth, predictions)


def balanced_accuracy(predictions: Texts, references: References) -> float:
    """Mean per-class recall (macro accuracy), in percent."""
    from sklearn.metrics import balanced_accuracy_score

    return 100.0 * balanced_accuracy_score([refs[0] for refs in references], predictions)


def micro_f1(predictions: list[list[str]], references: list[list[str]]) -> float:
    """Micro-averaged F1 over label sets (multi-label classification, NER, extraction), in percent."""
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer().fit([*predictions, *references])
    return 100.0 * f1_score(
        binarizer.transform(references), binarizer.transform(predictions), average="micro", zero_division=0
    )


def squad_scores(predictions: Texts, references: References) -> dict[str, float]:
    """SQuAD token-overlap F1 and exact match (normalised: case, punctuation, articles), in percent."""
    from torchmetrics.functional.text import squad

    preds = [{"prediction_text": p, "id": str(i)} for i, p in enumerate(predictions)]
    target = [
        {"answers": {"answer_start": [0] * len(refs), "text": refs}, "id": str(i)}
        for i, refs in enumerate(references)
    ]
    scores = squad(preds, target)
    return {"f1": float(scores["f1"]), "exact_match": float(scores["exact_match"])}


def token_f1(predictions: Texts, references: References) -> float:
    return squad_scores(predictions, references)["f1"]


def exact_match(predictions: Texts, references: References) -> float:
    return squad_scores(predictions, references)["exact_match"]


def _tokens(text: str) -> list[str]:
    return _tokenizer().tokenize(text)


def bleu_1(predictions: Texts, references: References) -> float:
    """Sentence BLEU with unigram weight only, averaged over records, in percent (as the official
    NLP scorer: NLTK ``sentence_bleu``, smoothing method 4)."""
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

    smoothing = SmoothingFunction().method4
    scores = [
        sentence_bleu([_tokens(r) for r in refs], _tokens(pred), weights=(1.0,), smoothing_function=smoothing)
        for pred, refs in zip(predictions, references, strict=True)
    ]
    return 100.0 * float(np.mean(scores))


def bleu_4(predictions: Texts, references: References) -> float:
    """Corpus BLEU-4 (NLTK ``corpus_bleu``), in percent."""
    from nltk.translate.bleu_score import corpus_bleu

    refs = [[_tokens(r) for r in rs] for rs in references]
    return 100.0 * corpus_bleu(refs, [_tokens(p) for p in predictions])


def _rouge(kind: str, predictions: Texts, references: References) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer([kind], use_stemmer=True)
    scores = [
        scorer.score_multi(refs, pred)[kind].fmeasure
        for pred, refs in zip(predictions, references, strict=True)
    ]
    return 100.0 * float(np.mean(scores))


def rouge_1(predictions: Texts, references: References) -> float:
    """ROUGE-1 F-measure (``rouge_score``, Porter stemming, best reference), in percent."""
    return _rouge("rouge1", predictions, references)


def rouge_l(predictions: Texts, references: References) -> float:
    """ROUGE-L F-measure (``rouge_score``, Porter stemming, best reference), in percent."""
    return _rouge("rougeL", predictions, references)


def code_bleu(predictions: Texts, references: References) -> float:
    """CodeBLEU (``codebleu.calc_codebleu``, Python grammar, equal weights), in percent.

    As the official NLP scorer: n-gram, weighted n-gram, syntax-tree and data-flow matches, all on
    the Python grammar (tree-sitter), whatever language the task's code is in.
    """
    from codebleu import calc_codebleu

    return 100.0 * float(
        calc_codebleu(references, predictions, lang="python", weights=(0.25,) * 4)["codebleu"]
    )


def word_error_rate(predictions: Texts, references: References) -> float:
    """Corpus word error rate (``jiwer.wer``) against the first reference, in percent (as the sheet)."""
    from jiwer import wer

    return 100.0 * float(wer([refs[0] for refs in references], predictions))


def anls(predictions: Texts, references: References, threshold: float = 0.5) -> float:
    """Average Normalised Levenshtein Similarity (DocVQA), best reference, in percent."""
    from rapidfuzz.distance import Levenshtein

    scores = []
    for pred, refs in zip(predictions, references, strict=True):
        best = 0.0
        for ref in refs:
            distance = Levenshtein.normalized_distance(pred.strip().casefold(), ref.strip().casefold())
            best = max(best, 1.0 - distance if distance < threshold else 0.0)
        scores.append(best)
    return 100.0 * float(np.mean(scores))


def _flat(predictions: list[np.ndarray], references: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([p.ravel() for p in predictions]), np.concatenate([r.ravel() for r in references])


def mae(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Mean absolute error over all values (scikit-learn)."""
    from sklearn.metrics import mean_absolute_error

    pred, ref = _flat(predictions, references)
    return float(mean_absolute_error(ref, pred))


def mse(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    from sklearn.metrics import mean_squared_error

    pred, ref = _flat(predictions, references)
    return float(mean_squared_error(ref, pred))


def rmse(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    from sklearn.metrics import root_mean_squared_error

    pred, ref = _flat(predictions, references)
    return float(root_mean_squared_error(ref, pred))


def abs_rel(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Mean absolute relative error ``|p - r| / r`` over values with a positive reference (depth)."""
    from sklearn.metrics import mean_absolute_percentage_error

    pred, ref = _flat(predictions, references)
    valid = ref > 0
    return float(mean_absolute_percentage_error(ref[valid], pred[valid]))


def pearson(predictions: list[np.ndarray], references: list[np.ndarray]) -> float:
    """Pearson correlation coefficient (scipy), in percent."""
    pred, ref = _flat(predictions, references)
    return 100.0 * float(pearsonr(pred, ref).statistic)


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve of scores against binary labels (scikit-learn), in percent."""
    from sklearn.metrics import roc_auc_score

    return 100.0 * float(roc_auc_score(labels, scores))


def average_precision(scores: list[float], labels: list[int]) -> float:
    """Average precision of scores against binary labels (scikit-learn), in percent (anomaly detection)."""
    from sklearn.metrics import average_precision_score

    return 100.0 * float(average_precision_score(labels, scores))
