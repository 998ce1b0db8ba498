"""A toy benchmark that lives outside genjudge, as a third-party package's would: it proves that a
benchmark plugs in through the ``genjudge.benchmarks`` entry-point group alone.

The benchmark ("Toy Spelling"): a release is a ``words.csv`` of ``id,word``; a submission is a CSV of
``id,answer``; a model scores the share of answers that spell the word backwards.
"""
