"""The leaderboard store: a local folder or a Hub dataset repo; append-only and atomic."""
