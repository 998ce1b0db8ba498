"""Reference-augmented (RAG) pairs, the second half of IntJudge's training data.

The OpenING paper trains IntJudge on human verdicts *and* on pairs made without a person: a
generator is given the instance's gold answer (the official ``generator_codes/*-RAG.py`` scripts put
the reference answer into the prompt, with ``prompts/reference-based_generation_system.txt``, and
write the result as another ``<model>_output``-style folder), and its gold-conditioned answer is taken
to be better than the same model's plain answer to the same instance. These pairs are what lifted
agreement with people from the human-only judge to 82.42%.

Two kinds of pair are made here, both with the preferred answer winning outright (``A`` or ``B``,
never a tie), and the side it is shown on drawn with a seeded generator so the judge learns no
position preference:

- ``rag-output``: for a model given with gold-conditioned outputs, its gold-conditioned answer beats
  its plain answer on every training instance where both exist (the paper's pairs);
- ``rag-gold``: the gold answer itself beats each model's plain answer on every training instance
  (the limit of conditioning on the gold answer, available without running any generator).

Only training instances and seen models are used, so nothing held out is trained on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from genjudge.core.records import Instance, ModelOutput
from genjudge.training.comparisons import Comparison

GOLD_MODEL = "gold-reference"
"""The model name a ``rag-gold`` pair gives the gold answer."""

RAG_SUFFIX = "+RAG"
"""Appended to a model's name for its gold-conditioned answers (``SEED-X+RAG``)."""


def _ordered(
    instance: Instance,
    preferred: tuple[str, ModelOutput | None],
    other: tuple[str, ModelOutput],
    rng: np.random.Generator,
    source: str,
) -> Comparison:
    (good_model, good), (plain_model, plain) = preferred, other
    good_steps = instance.output_steps if good is None else good.steps
    origin = f"{source}:{good_model}>{plain_model}"
    if rng.random() < 0.5:
        return Comparison(instance, good_model, plain_model, good_steps, plain.steps, "A", source, origin)
    return Comparison(instance, plain_model, good_model, plain.steps, good_steps, "B", source, origin)


def gold_pairs(
    instances: Iterable[Instance],
    outputs: Mapping[str, Sequence[ModelOutput]],
    models: Iterable[str],
    rng: np.random.Generator,
) -> list[Comparison]:
    """``rag-gold`` pairs: the gold answer preferred over each of ``models``' plain answers."""
    by_key = {(o.model, o.total_uid): o for answers in outputs.values() for o in answers}
    chosen = list(models)
    pairs = []
    for instance in instances:
        if not instance.output_steps:
            continue
        for model in chosen:
            plain = by_key.get((model, instance.total_uid))
            if plain is not None:
                pairs.append(_ordered(instance, (GOLD_MODEL, None), (model, plain), rng, "rag-gold"))
    return pairs


def rag_output_pairs(
    instances: Iterable[Instance],
    outputs: Mapping[str, Sequence[ModelOutput]],
    rag_outputs: Mapping[str, Sequence[ModelOutput]],
    rng: np.random.Generator,
) -> list[Comparison]:
    """``rag-output`` pairs: each model's gold-conditioned answer preferred over its plain answer."""
    plain = {(o.model, o.total_uid): o for answers in outputs.values() for o in answers}
    conditioned = {(model, o.total_uid): o for model, answers in rag_outputs.items() for o in answers}
    pairs = []
    for instance in instances:
        for model in rag_outputs:
            good = conditioned.get((model, instance.total_uid))
            base = plain.get((model, instance.total_uid))
            if good is not None and base is not None:
                pairs.append(_ordered(instance, (model + RAG_SUFFIX, good), (model, base), rng, "rag-output"))
    return pairs
