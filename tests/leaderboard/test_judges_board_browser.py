"""The Judges tab in a real browser (headless Debian Chromium): a verdict file uploaded on the Submit
tab lands on the board next to an earlier submission and the reference judge, and a number the
file cannot give (swap consistency from one order only) reads blank, never NaN. Saves
``test-artifacts/judges.png``."""

from __future__ import annotations

import json

from leaderboard_helpers import serving
from test_browser import browser, click_tab, pytestmark, screenshot, status_text, wait_until  # noqa: F401

from genjudge.benchmarks.opening.judges_board import load_human_verdicts, sample_arena_dir
from genjudge.benchmarks.opening.judges_board.board import JudgesBoard
from genjudge.judges.reference import ReferenceSimilarityJudge
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore


def test_upload_a_judges_verdicts_and_read_its_row(tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    human = load_human_verdicts()
    board = JudgesBoard(
        human,
        unseen=human.default_unseen(),
        bootstrap=100,
        reference_judge=ReferenceSimilarityJudge(embedder="lexical"),
    )
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    store.submit(
        sample_arena_dir() / "length-judge_modelAB_results.json", board, model_name="Length-Heuristic"
    )
    service = LeaderboardService(store, {board.board_id: board})
    one_order = tmp_path / "copycat.json"  # the human verdicts themselves: 100% agreement, one order
    one_order.write_text(
        json.dumps(json.loads((sample_arena_dir() / "judge_modelAB_results.json").read_text()))
    )
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        wait_until(lambda: click_tab(browser, "OpenING judges · opening-judges") or True)
        click_tab(browser, "Submit")
        wait_until(lambda: "position-swap consistency" in browser.page_source)
        wait_until(
            lambda: browser.find_element(By.CSS_SELECTOR, "#opening-judges-upload input[type='file']")
        ).send_keys(str(one_order))
        wait_until(lambda: one_order.name in browser.page_source)
        fields = [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text']")
            if f.is_displayed()
        ]
        next(f for f in fields if "letters, digits" in (f.get_attribute("placeholder") or "")).send_keys(
            "Copycat"
        )
        browser.find_element(By.ID, "opening-judges-submit-button").click()
        wait_until(lambda: "Queued Copycat" in status_text(browser, "opening-judges"))
        click_tab(browser, "Leaderboard")
        text = wait_until(
            lambda: (
                (t := browser.find_element(By.ID, "opening-judges-table").text)
                and "Copycat" in t
                and "Length-Heuristic" in t
                and t
            )
        )
        assert "Reference judge (reference-similarity/lexical-tfidf)" in text
        assert "NaN" not in text and "nan" not in text.lower().split()
        rows = browser.find_elements(By.CSS_SELECTOR, "#opening-judges-table [role='row']")
        copycat = next((r for r in rows if "Copycat" in r.text), None)
        assert copycat is not None, [r.text for r in rows]
        cells = [c.text.strip() for c in copycat.find_elements(By.CSS_SELECTOR, "[role='gridcell']")]
        assert cells[:3] == ["1", "Copycat", "100"]
        assert "" in cells  # the swap-consistency cell
        screenshot(browser, "judges.png")
