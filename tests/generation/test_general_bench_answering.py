"""A model in, a General-Level level out: the General-Bench fixture release → an answerer (a fake
endpoint that knows the answers, or the tiny random Qwen2-VL) and a text-to-image model → prediction
files → ``general-level evaluate`` → a result sheet → ``general-level score`` → a level."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from support.chat_server import completion
from support.fake_openai_server import FakeOpenAIServer, error_reply
from support.random_clip import save_random_clip
from support.random_qwen_vl import save_random_checkpoint
from typer.testing import CliRunner

from genjudge.benchmarks.general_level.bench import ReferenceIndex, read_reference_sheet
from genjudge.benchmarks.general_level.bench.generation import (
    ANSWERS_DIR,
    UNUSABLE_NAME,
    answer_general_bench,
)
from genjudge.benchmarks.general_level.cli import app
from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.manifest import ManifestMismatch
from genjudge.generation.openai_chat import OpenAIChat
from genjudge.generation.resumable import FAILURES_NAME
from genjudge.generation.transformers_chat import TransformersChat

FIXTURES = Path(__file__).parents[1] / "general_bench" / "fixtures"
T2I = "image/Generation/Text-to-Image Generation"
KNOWN = {
    "Where do fish live?": "water",
    "What melts ice?": "heat",
    "Who wrote the novel that the film Jaws is based on?": "Peter Benchley wrote it",
    "[1, 2, 3]": "The next value is 4.",
    "[2, 4, 6]": "8",
    "Track the ball.": "[[1, 1, 2, 2], [2, 2, 2, 2]]",
    "Remove the rain.": "no",
}
DISEASE_BY_CHANNEL = ("apple scab", "healthy", "black rot")
"""The fixture's fruit images are red, green and blue, in this order of labels."""


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture release plus a text-to-image task (CLIP score), and its SoTA sheet with that row."""
    root = Path(shutil.copytree(FIXTURES / "General-Bench-Openset", tmp_path / "release"))
    task = root / T2I
    (task / "gt").mkdir(parents=True)
    Image.new("RGB", (8, 8), (200, 0, 0)).save(task / "gt" / "t1.png")
    records = [
        {"id": "t1", "input": {"prompt": "a red apple"}, "output": {"image": "gt/t1.png"}},
        {"id": 2, "input": {"prompt": "a blue vase"}, "output": {}},
    ]
    (task / "annotation.json").write_text(json.dumps({"task": "Text-to-Image Generation", "data": records}))
    workbook = load_workbook(FIXTURES / "sota_result.xlsx")
    workbook["Image-Generation"].append([3, "Text-to-Image Generation", "T2I", "CLIP score", 30.0])
    workbook.save(tmp_path / "sota.xlsx")
    return root, tmp_path / "sota.xlsx"


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_random_clip(tmp_path_factory.mktemp("clip"))


def knows_the_answers(request: dict) -> tuple[int, bytes]:
    """A chat server that answers the fixture's questions right (the disease from the image's colour)."""
    parts = request["messages"][-1]["content"]
    text = "".join(part.get("text", "") for part in parts if part["type"] == "text")
    if "Which disease" in text:
        url = next(part["image_url"]["url"] for part in parts if part["type"] == "image_url")
        image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")
        pixel = image.getpixel((4, 3))
        return completion(DISEASE_BY_CHANNEL[pixel.index(max(pixel))])
    if "Name the object" in text or "Road" in text:
        return completion("a crack on the right")
    return completion(
        next((answer for key, answer in KNOWN.items() if key in text), "the crack is on the right")
    )


def evaluate_and_score(
    release: Path, sota: Path, predictions: Path, clip: Path, tmp: Path, *options: str
) -> tuple[dict, dict]:
    runner = CliRunner()
    sheet, scores, level = tmp / "sheet.xlsx", tmp / "scores.json", tmp / "level.json"
    evaluate = ["evaluate", "--bench", release, "--predictions", predictions, "--sota", sota, "--out", sheet]
    evaluate += ["--model-name", "answerer", "--clip-model", clip, "--json-out", scores, *options]
    evaluated = runner.invoke(app, [str(arg) for arg in evaluate])
    assert evaluated.exit_code == 0, evaluated.output
    scored = runner.invoke(
        app, ["score", "--sota", str(sota), "--results", str(sheet), "--bootstrap", "0", "--json", str(level)]
    )
    assert scored.exit_code == 0, scored.output
    by_task = {row["task"]: row["score"] for row in json.loads(scores.read_text())["results"]}
    return by_task, json.loads(level.read_text())


def test_an_endpoint_model_answers_the_release_into_a_sheet_and_a_level(release, clip_dir, tmp_path):
    root, sota = release
    server = FakeOpenAIServer()
    server.respond_chat = knows_the_answers
    answerer = OpenAIChat(server.url, model="served-vlm", options={"max_tokens": 64})
    drawer = OpenAIImages(server.url, model="served-t2i", size="32x32")
    reference = ReferenceIndex(read_reference_sheet(sota))
    out = tmp_path / "predictions"

    run = answer_general_bench(
        root, answerer, out, image_generator=drawer, reference=reference, progress=False
    )

    status = {task.folder: task for task in run.tasks}
    assert status["Image/comprehension/Fruit Disease Recognition"].written == 3
    assert status[T2I].status == "drawn" and status[T2I].written == 2
    assert "audio" in status["audio/comprehension/AccentClassification"].reason
    assert "3d" in status["3D/comprehension/3D Accessory Classification"].reason
    assert "video" in status["Video/Comprehension/Sports Video Question Answering"].reason
    assert "not a text-to-image task" in status["image/Generation/Image Deraining"].reason
    road = status["image/comprehension/Road Crack Detection"]
    assert road.written == 0 and len(road.unusable) == 1 and "no JSON value" in road.unusable[0].reason
    assert (
        not (out / road.folder / "prediction.json").exists() and (out / road.folder / UNUSABLE_NAME).is_file()
    )
    assert run.failed == 0 and run.unusable == 1

    fruit = json.loads((out / "Image/comprehension/Fruit Disease Recognition/prediction.json").read_text())
    assert fruit == [
        {"id": "fruit_1", "prediction": "apple scab"},
        {"id": "fruit_2", "prediction": "healthy"},
        {"id": "fruit_3", "prediction": "black rot"},
    ]
    asked = [r for path, r in server.requests if path == "/v1/chat/completions"]
    track = next(r for r in asked if "Track the ball." in json.dumps(r))
    assert sum(part["type"] == "image_url" for part in track["messages"][0]["content"]) == 2  # both frames
    assert "one [x, y, w, h] box per frame" in json.dumps(track)  # the AUC form hint

    by_task, level = evaluate_and_score(root, sota, out, clip_dir, tmp_path)
    assert by_task["Fruit Disease Recognition"] == 100.0
    assert by_task["Commonsense Reasoning"] == 100.0
    assert by_task["Time Series"] == 0.0  # MAE of 4 and 8 against 4 and 8
    assert by_task["Text-to-Image Generation"] is not None
    assert by_task["Road Crack Detection"] is None
    assert level["levels"]["level_2"]["score"] > 0
    server.kill()


def test_a_rerun_makes_only_what_is_missing_and_failed_records_are_retried(release, tmp_path):
    root, sota = release
    server = FakeOpenAIServer()
    server.respond_chat = lambda request: (
        error_reply(400, "context too long")
        if "What melts ice?" in json.dumps(request)
        else knows_the_answers(request)
    )
    answerer = OpenAIChat(server.url, model="served-vlm")
    reference = ReferenceIndex(read_reference_sheet(sota))
    out = tmp_path / "predictions"
    first = answer_general_bench(root, answerer, out, reference=reference, progress=False)
    common = out / "nlp/Commonsense Reasoning"
    assert first.failed == 1 and "context too long" in (common / FAILURES_NAME).read_text()
    assert json.loads((common / "prediction.json").read_text()) == [{"id": 1, "prediction": "water"}]

    (out / "Image/comprehension/Fruit Disease Recognition" / ANSWERS_DIR).iterdir().__next__().unlink()
    asked_before = len(server.requests)
    server.respond_chat = knows_the_answers
    second = answer_general_bench(root, answerer, out, reference=reference, progress=False)
    assert len(server.requests) - asked_before == 2  # the failed record and the deleted answer
    assert second.failed == 0 and sum(task.made for task in second.tasks) == 2
    assert json.loads((common / "prediction.json").read_text())[1] == {"id": 2, "prediction": "heat"}

    other = OpenAIChat(server.url, model="another-vlm")
    with pytest.raises(ManifestMismatch, match="another-vlm"):
        answer_general_bench(root, other, out, reference=reference, progress=False)
    server.kill()


def test_the_predictions_never_go_into_the_release(release):
    root, _ = release
    with pytest.raises(Exception, match="folder of their own"):
        answer_general_bench(
            root, OpenAIChat("http://127.0.0.1:9/v1", model="m"), root / "out", progress=False
        )


def test_the_tiny_random_mllm_goes_from_release_to_a_level_on_the_cpu(release, clip_dir, tmp_path):
    root, sota = release
    model = TransformersChat(
        save_random_checkpoint(tmp_path / "qwen-vl"), max_new_tokens=6, empty_answers="keep"
    )
    reference = ReferenceIndex(read_reference_sheet(sota))
    out = tmp_path / "predictions"
    run = answer_general_bench(root, model, out, reference=reference, batch_size=3, progress=False)
    answered = [task for task in run.tasks if task.status == "answered"]
    assert {task.folder for task in answered} >= {
        "Image/comprehension/Fruit Disease Recognition",
        "nlp/Time Series",
    }
    assert run.failed == 0 and sum(task.made for task in answered) == sum(task.records for task in answered)
    manifest = json.loads((out / ".genjudge-manifest.json").read_text())
    assert manifest["generator"]["answerer"]["model_class"] == "Qwen2VLForConditionalGeneration"
    assert manifest["prompt_template_version"] == "general-bench-answer-1"
    # a random model's answers to JSON-form tasks are held back where they do not parse, so some
    # prediction.json files lack records: evaluate says so unless told to score the rest
    by_task, level = evaluate_and_score(root, sota, out, clip_dir, tmp_path, "--allow-missing")
    assert (
        by_task["Fruit Disease Recognition"] is not None
        and by_task["Multi-Hop Question Answering"] is not None
    )
    assert level["level"] in (0, 1, 2, 3, 4, 5) and "level_2" in level["levels"]


@pytest.mark.slow
def test_genjudge_run_puts_an_endpoint_model_on_the_general_level_board(tmp_path):
    import subprocess
    import sys

    sota = FIXTURES / "sota_result.xlsx"
    server = FakeOpenAIServer()
    server.respond_chat = knows_the_answers
    try:
        ran = subprocess.run(
            [
                sys.executable,
                "-m",
                "genjudge",
                "run",
                "general-level",
                "--model",
                "answerer",
                "--kind",
                "chat-endpoint",
                "--name",
                "Endpoint-Answerer",
                "-o",
                f"endpoint={server.url}",
                "-o",
                f"bench={FIXTURES / 'General-Bench-Openset'}",
                "-o",
                f"sota={sota}",
                "-o",
                "allow_missing=1",
                "--store",
                str(tmp_path / "lb"),
                "--board-option",
                "bootstrap=0",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=1200,
        )
    finally:
        server.kill()
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Endpoint-Answerer on general-level" in ran.stdout
    result = json.loads(next((tmp_path / "lb" / "results").glob("*.json")).read_text())
    assert result["results"]["general-level"]["level"] >= 2
    assert json.loads(result["config"]["generation"])["generator"]
