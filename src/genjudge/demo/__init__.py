"""``genjudge demo``: every benchmark's bundled sample, end to end, offline."""
