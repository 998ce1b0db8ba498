"""The Space in a real browser: headless Debian Chromium driven by selenium.

Opens the page on the bundled sample board (reference judge), reads the Submit tab's format
instructions, uploads a zip, waits for the worker, reads the new row on the Leaderboard tab, and
saves screenshots to ``test-artifacts/`` (``leaderboard.png``, ``submit.png``, ``queue.png``, and
``empty-board.png`` of a board nobody has submitted to). On the General-Level tab it sees the board's
picture (``general-level.png``) and the Submit tab following an upload to "Finished"
(``general-level-submitted.png``; both are kept in the repository as examples).
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from leaderboard_helpers import opening_board, serving, zip_folder

from genjudge.benchmarks.general_level.sample import sample_results_paths
from genjudge.benchmarks.opening.sample import sample_output_dirs as sample_submissions
from genjudge.demo.boards import run_demo_board
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="Debian chromium + chromium-driver not installed (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1200",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_until(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # the page is still rendering
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out waiting for the page")


def click_tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    tabs = driver.find_elements(By.CSS_SELECTOR, "button[role='tab']")
    tab = next((b for b in tabs if b.text.strip() == name and b.is_displayed()), None)
    assert tab is not None, f"no tab {name!r}; visible tabs: {[b.text for b in tabs if b.is_displayed()]}"
    tab.click()


def status_text(driver, board_id: str) -> str:
    """What a board's Submit tab says about the last upload (a read-only text box, shown literally)."""
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, f"#{board_id}-submit-message textarea")
    return (box.get_attribute("value") or "").strip()


def shown_pictures(driver, board_id: str) -> int:
    """How many of a board's pictures the page shows, loaded (a broken image has no natural width)."""
    from selenium.webdriver.common.by import By

    images = driver.find_elements(By.CSS_SELECTOR, f"#{board_id}-charts img")
    return sum(1 for image in images if image.is_displayed() and image.get_property("naturalWidth"))


def screenshot(driver, name: str) -> Path:
    """Save the page as a 128-colour PNG: a page of text and charts stays readable at a third of the
    size, so the screenshots kept in the repository stay small."""
    from PIL import Image

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    page = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    assert len(page.getcolors(maxcolors=1 << 24)) > 50  # a rendered page, not a blank one
    page.quantize(colors=128).save(shot, optimize=True)
    return shot


def test_an_empty_board_says_so(tmp_path, instances, browser):
    from selenium.webdriver.common.by import By

    board = opening_board(instances)
    service = LeaderboardService(LeaderboardStore(tmp_path / "lb", boards=[board]), {"opening": board})
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        note = wait_until(lambda: browser.find_element(By.ID, "opening-empty").text.strip())
        assert "No models on this board yet" in note
        tables = browser.find_elements(By.ID, "opening-table")
        assert not tables or not tables[0].is_displayed()  # no blank table under the note
        screenshot(browser, "empty-board.png")


def test_submit_in_a_browser_and_see_the_new_row(tmp_path, instances, browser):
    from selenium.webdriver.common.by import By

    # The bundled sample board, judged by the offline reference judge, as `genjudge demo` makes it.
    service = run_demo_board(tmp_path / "lb", progress=False).service()
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        wait_until(lambda: "Aurora-Interleave" in browser.find_element(By.ID, "opening-test-table").text)
        headers = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#opening-test-table th")]
        assert any("Rank" in h for h in headers) and not any("Ran\nk" in h for h in headers)

        click_tab(browser, "Submit")
        wait_until(lambda: "What to upload" in browser.page_source)
        assert "zip's root" in browser.page_source
        screenshot(browser, "submit.png")
        source = sample_submissions()[1]
        archive = zip_folder(source, tmp_path / "Browser-Model.zip", prefix=f"{source.name}/")
        file_input = wait_until(
            lambda: browser.find_element(By.CSS_SELECTOR, "#opening-test-upload input[type='file']")
        )
        file_input.send_keys(str(archive))
        wait_until(lambda: "Browser-Model.zip" in browser.page_source)
        fields = browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text']")
        name_box = next(f for f in fields if "letters, digits" in (f.get_attribute("placeholder") or ""))
        name_box.send_keys("Browser-Model")
        link_box = next(f for f in fields if (f.get_attribute("placeholder") or "").startswith("https://"))
        link_box.send_keys("https://example.org/browser")
        browser.find_element(By.ID, "opening-test-submit-button").click()
        message = wait_until(lambda: status_text(browser, "opening-test"))
        assert "Queued Browser-Model" in message

        click_tab(browser, "Queue")

        # + the EvalMi metric and the Judges board's length heuristic
        models = len(sample_submissions()) + len(sample_results_paths()) + 1 + 1 + 1
        wait_until(lambda: browser.find_element(By.ID, "queue-table").text.count("FINISHED") == models)
        screenshot(browser, "queue.png")

        click_tab(browser, "OpenING · opening-test")
        click_tab(browser, "Leaderboard")
        text = wait_until(
            lambda: (
                (t := browser.find_element(By.ID, "opening-test-table").text) and "Browser-Model" in t and t
            )
        )
        for folder in sample_submissions():
            assert folder.name.removesuffix("_output") in text  # the board it joined is still there
        wait_until(lambda: len(browser.find_elements(By.CSS_SELECTOR, "img")) >= 2)
        screenshot(browser, "leaderboard.png")

        # The General-Level tab: its board-wide picture under the table, and a results sheet uploaded
        # in the browser that the Submit tab follows from "Queued" to "Finished".
        click_tab(browser, "General-Level · general-level")
        wait_until(lambda: "Aurora-Omni" in browser.find_element(By.ID, "general-level-table").text)
        assert wait_until(lambda: shown_pictures(browser, "general-level")) == 1
        assert "Levels 2–5 with 95% intervals" in browser.find_element(By.ID, "general-level-charts").text
        click_tab(browser, "Submit")
        wait_until(lambda: "sheet,task,score" in browser.page_source)
        sheet = tmp_path / "Browser-Sheet.csv"
        rows = sample_results_paths()[1].read_text().splitlines()
        sheet.write_text("\n".join([rows[0], *rows[2:]]) + "\n")  # Harbor-Base without its first task
        wait_until(
            lambda: browser.find_element(By.CSS_SELECTOR, "#general-level-upload input[type='file']")
        ).send_keys(str(sheet))
        wait_until(lambda: "Browser-Sheet.csv" in browser.page_source)
        fields = [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text']")
            if f.is_displayed()
        ]
        next(f for f in fields if "letters, digits" in (f.get_attribute("placeholder") or "")).send_keys(
            "Browser-Sheet"
        )
        browser.find_element(By.ID, "general-level-submit-button").click()
        message = wait_until(lambda: status_text(browser, "general-level"))
        assert "Queued Browser-Sheet" in message
        finished = wait_until(
            lambda: (t := status_text(browser, "general-level")) and "✅ Finished: Browser-Sheet" in t and t
        )
        assert finished.splitlines()[0].startswith("✅ Queued Browser-Sheet for general-level")
        assert "is on the board at rank" in finished
        screenshot(browser, "general-level-submitted.png")
        click_tab(browser, "Leaderboard")
        text = wait_until(
            lambda: (
                (t := browser.find_element(By.ID, "general-level-table").text) and "Browser-Sheet" in t and t
            )
        )
        assert "Aurora-Omni" in text
        pictures = browser.find_element(By.ID, "general-level-charts")
        browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", pictures)
        wait_until(lambda: shown_pictures(browser, "general-level"))
        screenshot(browser, "general-level.png")


def test_both_evalmi_tabs_take_an_upload_in_a_browser(tmp_path, browser):
    """The Metrics tab ranks a metric's CSV; the models tab scores a zip of generations with
    (tiny, random) LMM4LMM judges and ranks it among the human-rated generators."""
    import zipfile

    from selenium.webdriver.common.by import By
    from support.random_internvl import save_random_checkpoint

    from genjudge.benchmarks import load_spec
    from genjudge.benchmarks.evalmi import sample_dir

    checkpoint = str(save_random_checkpoint(tmp_path / "tiny-lmm4lmm"))
    metrics = load_spec("evalmi-metrics").open({"bootstrap": "100"})
    models = load_spec("evalmi-models").open(
        {"perception_model": checkpoint, "correspondence_model": checkpoint, "device": "cpu"}
    )
    boards = {metrics.board_id: metrics, models.board_id: models}
    service = LeaderboardService(LeaderboardStore(tmp_path / "lb", boards=list(boards.values())), boards)
    archive = tmp_path / "MyT2I.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((sample_dir() / "Aurora-XL").iterdir()):
            zf.write(path, f"MyT2I/{path.name}")
    uploads = [
        (
            "EvalMi-50K metrics · evalmi-metrics",
            "evalmi-metrics",
            sample_dir() / "metric_scores.csv",
            "My-Metric",
        ),
        ("EvalMi-50K models · evalmi-models", "evalmi-models", archive, "MyT2I"),
    ]
    with serving(service, tmp_path / "lb" / "board") as url:
        browser.get(url)
        for tab, board_id, upload, model in uploads:
            wait_until(lambda tab=tab: click_tab(browser, tab) or True)  # once the page has rendered
            click_tab(browser, "Submit")
            wait_until(
                lambda board_id=board_id: browser.find_element(
                    By.CSS_SELECTOR, f"#{board_id}-upload input[type='file']"
                )
            ).send_keys(str(upload))
            wait_until(lambda upload=upload: upload.name in browser.page_source)
            fields = [
                f
                for f in browser.find_elements(By.CSS_SELECTOR, "textarea, input[type='text']")
                if f.is_displayed()
            ]
            next(f for f in fields if "letters, digits" in (f.get_attribute("placeholder") or "")).send_keys(
                model
            )
            browser.find_element(By.ID, f"{board_id}-submit-button").click()
            message = wait_until(lambda board_id=board_id: status_text(browser, board_id))
            assert f"Queued {model}" in message
            click_tab(browser, "Leaderboard")
            text = wait_until(
                lambda board_id=board_id, model=model: (
                    (t := browser.find_element(By.ID, f"{board_id}-table").text) and model in t and t
                ),
                timeout=120,
            )
            if board_id == "evalmi-models":
                assert "(human-rated)" in text  # ranked among the generators people rated
            screenshot(browser, f"{board_id}.png")
