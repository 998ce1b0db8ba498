"""A model submitted by Hub id in a real browser: the Submit tab's "a model on the Hub" form queues
it as PENDING, a GPU worker (here `genjudge leaderboard worker --once` on the CPU, with a tiny
random diffusers pipeline in the offline Hub cache and tiny random LMM4LMM judges) generates and
submits its images, and the page follows it to Finished. Screenshots go to ``test-artifacts/``
(``model-pending.png``, ``model-finished.png``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from leaderboard_helpers import serving
from test_browser import CHROMEDRIVER, CHROMIUM, browser, click_tab, screenshot, wait_until

from genjudge.benchmarks import load_spec
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore

__all__ = ["browser"]  # the fixture, shared with the other browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="Debian chromium + chromium-driver not installed (apt-get install chromium chromium-driver)",
    ),
]


def hub_message(driver) -> str:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "#evalmi-models-hub-message textarea")
    return (box.get_attribute("value") or "").strip()


def type_into(driver, element_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f"#{element_id} textarea, #{element_id} input").send_keys(text)


def test_a_model_on_the_hub_goes_from_pending_to_finished(tmp_path, tiny_pipeline_dir, browser):
    from selenium.webdriver.common.by import By
    from support.hub_cache import put_in_hub_cache
    from support.random_internvl import save_random_checkpoint

    judge = save_random_checkpoint(tmp_path / "tiny-lmm4lmm")
    put_in_hub_cache(tiny_pipeline_dir, "tiny/sd", tmp_path / "hub")
    options = {"perception_model": str(judge), "correspondence_model": str(judge), "device": "cpu"}
    board = load_spec("evalmi-models").open(options)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    service = LeaderboardService(store, {board.board_id: board})
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "button[role='tab']"))
        click_tab(browser, f"{board.spec.title} · evalmi-models")
        click_tab(browser, "Submit")
        type_into(browser, "evalmi-models-hub-model", "tiny/sd")
        type_into(browser, "evalmi-models-hub-settings", "steps=2")
        browser.find_element(By.ID, "evalmi-models-hub-button").click()
        wait_until(lambda: "Pending" in hub_message(browser), timeout=120)
        screenshot(browser, "model-pending.png")

        worker = subprocess.run(
            [
                sys.executable,
                "-m",
                "genjudge",
                "leaderboard",
                "worker",
                "--once",
                "--store",
                str(tmp_path / "lb"),
                "-b",
                "evalmi-models",
                *(arg for name, value in options.items() for arg in ("-o", f"evalmi-models.{name}={value}")),
            ],
            env=dict(os.environ, HF_HUB_CACHE=str(tmp_path / "hub"), HF_HUB_OFFLINE="1"),
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert "model tiny/sd@main on evalmi-models: FINISHED" in worker.stdout
        wait_until(lambda: "Finished" in hub_message(browser), timeout=300)
        assert "Generated from tiny/sd@main" in hub_message(browser)
        screenshot(browser, "model-finished.png")
        click_tab(browser, "Queue")
        wait_until(lambda: "tiny/sd" in browser.find_element(By.ID, "model-queue-table").text, timeout=60)
