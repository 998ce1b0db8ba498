"""Hugging Face Space entry point for the genjudge leaderboard.

All logic lives in ``genjudge.leaderboard``; this file only reads the configuration from the
environment (see ``genjudge.leaderboard.service``) and serves the page.
"""

from __future__ import annotations

import os

from genjudge.leaderboard.config import LeaderboardConfig
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.ui import launch

if __name__ == "__main__":
    service = LeaderboardService.from_config(LeaderboardConfig.from_env())
    # On a Space the server must listen on all interfaces; locally, loopback only.
    host = "0.0.0.0" if os.environ.get("SPACE_ID") else "127.0.0.1"
    launch(service, host=host, port=int(os.environ.get("PORT", "7860")))
