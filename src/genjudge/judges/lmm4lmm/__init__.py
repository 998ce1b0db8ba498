"""LMM4LMM (EvalMi-50K's judge) on transformers' own InternVL classes: checkpoint conversion
(``conversion``), the regression head (``head``), official inputs (``inputs``), templates
(``prompts``) and the ``ScoringJudge`` backend (``judge.LMM4LMMJudge``)."""
