"""Training IntJudge-style judges on OpenING: the training set, the fine-tuning, the held-out agreement.

- :func:`~genjudge.training.builder.build_training_set` -- human verdicts (Interleaved Arena files,
  collected votes) joined with instances and answers, held out by instance and model, plus RAG pairs
- :func:`~genjudge.training.repo.write_training_repo` -- the Hub-ready dataset folder (``judge`` and
  ``dpo`` configs, card, hold-out)
- :func:`~genjudge.training.run.train_from_folder` -- LoRA fine-tuning with TRL, held-out agreement
  before and after, model card

The fine-tuning needs the ``train`` extra (``pip install 'genjudge[train]'``); building data does not.
"""

from genjudge.training.builder import TrainingSet, build_training_set
from genjudge.training.holdout import Holdout
from genjudge.training.repo import RepoReport, load_split, read_holdout, write_training_repo

__all__ = [
    "Holdout",
    "RepoReport",
    "TrainingSet",
    "build_training_set",
    "load_split",
    "read_holdout",
    "write_training_repo",
]
