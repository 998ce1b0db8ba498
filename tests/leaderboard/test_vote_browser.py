"""The Vote tab in a real browser (headless Debian Chromium driven by selenium): a pair is shown
side by side, a vote is cast with the keyboard, the models are named only afterwards, the vote lands
in the dataset and the live agreement numbers move; at phone width the two answers stack. Screenshots
go to ``test-artifacts/`` (``vote.png``, ``vote-phone.png``)."""

from __future__ import annotations

import pytest
from leaderboard_helpers import serving, voting_service
from test_browser import CHROMEDRIVER, CHROMIUM, browser, click_tab, screenshot, wait_until

from genjudge.votes.pair_choice import PairMix

__all__ = ["browser"]  # the fixture, shared with the other browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="Debian chromium + chromium-driver not installed (apt-get install chromium chromium-driver)",
    ),
]


def test_vote_in_a_browser_lands_in_the_dataset_and_moves_the_numbers(tmp_path, instances, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta"), (5, "Gamma")])
    booth = service.booths["opening"]
    booth.mix = PairMix(control_share=0.0, disagreement_share=0.0)  # a model pair, so agreement moves
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        wait_until(lambda: click_tab(browser, "Vote") or True)  # once the page has rendered
        wait_until(lambda: "question" in browser.find_element(By.ID, "opening-vote-prompt").text)
        left = browser.find_element(By.ID, "opening-vote-left").text
        right = browser.find_element(By.ID, "opening-vote-right").text
        assert "answer" in left and "answer" in right and left != right
        assert browser.find_element(By.ID, "opening-vote-head-A").text.strip() == "A"  # no names yet
        wait_until(lambda: "0" in browser.find_element(By.ID, "opening-vote-agreement").text)
        before = browser.find_element(By.ID, "opening-vote-agreement").text

        reason = browser.find_element(By.CSS_SELECTOR, "#opening-vote-reason textarea")
        reason.send_keys("<b>clearer</b> steps")
        browser.find_element(By.ID, "opening-vote-prompt").click()  # leave the text box, then press 1
        ActionChains(browser).send_keys("1").perform()

        message = wait_until(
            lambda: (
                (t := browser.find_element(By.ID, "opening-vote-message").text) and "Vote recorded" in t and t
            )
        )
        assert "<b>clearer</b> steps" in message  # the reason is shown as text, not as HTML
        rows = booth.ledger.rows()
        assert len(rows) == 1 and rows[0]["winner"] == "A" and rows[0]["reason"] == "<b>clearer</b> steps"
        head = browser.find_element(By.ID, "opening-vote-head-A").text
        assert head == f"A · {rows[0]['model_a']}"  # named after the vote
        after = wait_until(
            lambda: (t := browser.find_element(By.ID, "opening-vote-agreement").text) != before and t
        )
        assert "100.0" in after or "0.0" in after
        wins = browser.find_element(By.ID, "opening-vote-winrates").text
        assert rows[0]["model_a"] in wins
        screenshot(browser, "vote.png")

        browser.set_window_size(390, 900)
        browser.find_element(By.ID, "opening-vote-next").click()
        wait_until(lambda: "Which answer" in browser.find_element(By.ID, "opening-vote-message").text)
        a = browser.find_element(By.ID, "opening-vote-left").rect
        b = browser.find_element(By.ID, "opening-vote-right").rect
        assert b["y"] >= a["y"] + a["height"] - 1 and abs(a["x"] - b["x"]) < 5  # stacked, not squeezed
        screenshot(browser, "vote-phone.png")
