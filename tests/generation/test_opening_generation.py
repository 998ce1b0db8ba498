"""OpenING answers from a chat model and a text-to-image model, in the layout the board accepts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from PIL import Image
from support.fake_openai_server import FakeOpenAIServer, error_reply, image_reply
from support.interleaved_chat import first_text, interleaved_reply
from typer.testing import CliRunner

from genjudge.benchmarks.opening import generation_recipe as recipe
from genjudge.benchmarks.opening import iter_records, read_model_outputs, sample_dir
from genjudge.benchmarks.opening.generation import (
    PipelineGenerator,
    generate_opening,
    output_folder,
    state_folder,
)
from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.cli import app
from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.manifest import MANIFEST_NAME, ManifestMismatch
from genjudge.generation.openai_chat import OpenAIChat
from genjudge.generation.resumable import FAILURES_NAME


@pytest.fixture(scope="module")
def records():
    return list(iter_records(sample_dir(), "test"))


@pytest.fixture
def server():
    running = FakeOpenAIServer()
    running.respond_chat = interleaved_reply
    yield running
    running.kill()


def pipeline(server: FakeOpenAIServer, recipe_name: str = "gpt-dalle") -> PipelineGenerator:
    chat = OpenAIChat(server.url, model="tiny-chat", max_retries=0)
    images = OpenAIImages(server.url, model="tiny-t2i", size="32x32", max_retries=0)
    return PipelineGenerator(chat, images, recipe=recipe_name)


def chat_requests(server: FakeOpenAIServer) -> list[dict]:
    with server.lock:
        return [request for path, request in server.requests if path == "/v1/chat/completions"]


def test_the_endpoint_pipeline_answers_the_test_split_into_a_folder_the_board_accepts(
    server, records, tmp_path
):
    report = generate_opening(
        records, pipeline(server), tmp_path, "Tiny-Pipeline", batch_size=4, progress=False
    )

    assert (
        report.complete and report.run.made == 16 and not report.image_failures and not report.unillustrated
    )
    folder = tmp_path / "Tiny-Pipeline_output"
    assert report.folder == folder
    gold_steps = {r.instance.total_uid: len(r.instance.output_steps) for r in records}
    expected = {f"{uid}.jsonl" for uid in gold_steps} | {
        f"{uid}-o-{k}.jpg" for uid, n in gold_steps.items() for k in range(n)
    }
    assert {p.name for p in folder.iterdir()} == expected
    assert (tmp_path / ".genjudge" / "Tiny-Pipeline_output" / MANIFEST_NAME).is_file()

    answers = {o.total_uid: o for o in read_model_outputs(folder)}
    story = answers["0101001"]
    assert [s.text for s in story.steps] == [
        f"Step {k} of '<BEGIN> Write a short illustrated story'." for k in range(3)
    ]
    assert all(Image.open(folder / f"0101001-o-{k}.jpg").format == "JPEG" for k in range(3))
    written = json.loads((folder / "0301004.jsonl").read_text())
    assert written["conversations"][0]["input"][0]["image"].startswith("./images/Storybook Completion/")
    assert written["conversations"][1]["output"][0] == {
        "text": "Step 0 of 'Please continue the story with pictures'.",
        "image": "0301004-o-0.jpg",
    }

    submission = validate_submission(folder, [r.instance for r in records], "Tiny-Pipeline")
    assert len(submission.outputs) == 16
    queued = CliRunner().invoke(
        app,
        ["leaderboard", "submit", str(folder), "--model", "Tiny-Pipeline", "--store", str(tmp_path / "lb")],
    )
    assert queued.exit_code == 0 and "Queued Tiny-Pipeline" in queued.output, queued.output


def test_the_chat_model_gets_the_official_prompt_and_the_images_the_official_wording(
    server, records, tmp_path
):
    with_images = [r for r in records if r.instance.total_uid == "0301004"]
    generate_opening(with_images, pipeline(server), tmp_path, "M", progress=False)

    (asked,) = chat_requests(server)
    assert set(asked) == {"model", "messages"}  # the script's payload: server defaults for the rest
    system, user = asked["messages"]
    assert system == {"role": "system", "content": recipe.system_prompt()}
    assert recipe.system_prompt().startswith("You are a multimodal generation model")
    kinds = [part["type"] for part in user["content"]]
    assert kinds == ["text", "image_url"] * 3
    assert user["content"][0]["text"].startswith("The number of generated text-image pairs can be 2: Please")
    assert user["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    prompts = sorted(request["prompt"] for request in server.image_requests())  # drawn concurrently
    assert prompts[1] == (
        "Please generate images using seed 5000. The context of this task is: "
        f"{user['content'][0]['text']}. The prompt for this generation is: "
        "Step 1 of 'Please continue the story with pictures'.. Seed:5000. - 0001"
    )


def test_rag_shows_the_gold_answer_and_gemini_flux_draws_the_gold_steps(server, records, tmp_path):
    story = [r for r in records if r.instance.total_uid == "0101002"]
    report = generate_opening(
        story, pipeline(server, "gemini-flux"), tmp_path, "M-RAG", rag=True, progress=False
    )

    assert report.complete
    (asked,) = chat_requests(server)
    roles = [m["role"] for m in asked["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert asked["messages"][1] == asked["messages"][3]
    gold = [s.text.strip() for s in story[0].instance.output_steps]
    assert asked["messages"][2]["content"] == [
        {"type": "text", "text": g.replace("<image>", "<IMG>")} for g in gold
    ]
    context = story[0].instance.input_steps[0].text.strip()
    assert sorted(r["prompt"] for r in server.image_requests()) == sorted(
        f"The prompt for this generation is: {g}. The context of this task is: {context}." for g in gold
    )
    manifest = json.loads((state_folder(tmp_path, "M-RAG") / MANIFEST_NAME).read_text())
    assert manifest["prompt_template_version"] == "opening-pipeline/gemini-flux/rag/v1"
    assert manifest["generator"]["chat"]["model"] == "tiny-chat" and manifest["seed"] == 42


@pytest.mark.parametrize(
    ("answer", "gold", "name", "steps"),
    [
        ("one <IMG> two <IMG>", 2, "gpt-dalle", ["one", "two"]),
        ("no marker at all", 2, "gpt-dalle", ["no marker at all"]),
        ("**a** <IMG><IMG> b <IMG> c <IMG>", 2, "gpt-dalle", ["a", "b", "c"]),
        ("a <IMG> b <IMG> c <IMG>", 2, "gemini-flux", ["a b c"]),
        ("a<br> <IMG> b", 2, "gemini-flux", ["a", "b"]),
    ],
)
def test_answers_are_split_at_the_markers_as_the_official_scripts_do(answer, gold, name, steps):
    assert recipe.split_answer(answer, gold, name) == steps


def test_what_a_model_fails_to_make_is_recorded_and_retried(server, records, tmp_path):
    server.respond_chat = lambda request: (
        error_reply(400, "filtered") if "fox" in first_text(request) else interleaved_reply(request, 1)
    )
    server.respond_images = lambda request: (
        error_reply(400, "unsafe")
        if "Step 1 of '<BEGIN> Tell a two-part" in request["prompt"]
        else image_reply(request)
    )
    stories = [r for r in records if r.instance.total_uid in ("0101001", "0101002")]
    report = generate_opening(stories, pipeline(server), tmp_path, "M", progress=False)

    assert not report.complete and [f.key for f in report.run.failures] == ["0101001"]
    assert [f.key for f in report.image_failures] == ["0101002-o-1"]
    assert [f.key for f in report.unillustrated] == ["0101002-o-2"]
    assert "1 image(s) the model failed to make" in report.summary()
    (answer,) = read_model_outputs(output_folder(tmp_path, "M"))
    assert [s.image is not None for s in answer.steps] == [True, False, False]
    logged = (state_folder(tmp_path, "M") / FAILURES_NAME).read_text().splitlines()
    assert [json.loads(line)["key"] for line in logged] == ["0101001", "0101002-o-1", "0101002-o-2"]

    server.respond_chat = interleaved_reply
    again = generate_opening(stories, pipeline(server), tmp_path, "M", progress=False)
    assert again.complete and again.run.made == 1 and again.run.already_done == 1
    assert "fox" in first_text(chat_requests(server)[-1]) and len(chat_requests(server)) == 3


def test_another_recipe_in_the_same_folder_is_refused(server, records, tmp_path):
    one = records[:1]
    generate_opening(one, pipeline(server), tmp_path, "M", progress=False)
    with pytest.raises(ManifestMismatch, match="recipe: 'gpt-dalle' -> 'gemini-flux'"):
        generate_opening(one, pipeline(server, "gemini-flux"), tmp_path, "M", progress=False)
    redone = generate_opening(
        one, pipeline(server, "gemini-flux"), tmp_path, "M", start_over=True, progress=False
    )
    assert redone.run.made == 1


_KILLED_RUN = textwrap.dedent(
    """
    import sys
    from genjudge.benchmarks.opening import iter_records, sample_dir
    from genjudge.benchmarks.opening.generation import PipelineGenerator, generate_opening
    from genjudge.generation.images_endpoint import OpenAIImages
    from genjudge.generation.openai_chat import OpenAIChat

    url, out = sys.argv[1], sys.argv[2]
    generator = PipelineGenerator(
        OpenAIChat(url, model="tiny-chat"), OpenAIImages(url, model="tiny-t2i", size="32x32")
    )
    generate_opening(list(iter_records(sample_dir(), "test")), generator, out, "Killed", progress=False)
    """
)


def test_kill_9_mid_run_then_a_rerun_answers_only_the_missing_instances(server, records, tmp_path):
    def slow_reply(request: dict) -> tuple[int, bytes]:
        time.sleep(0.3)
        return interleaved_reply(request)

    server.respond_chat = slow_reply
    folder = output_folder(tmp_path, "Killed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, server.url, str(tmp_path)], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(list(folder.glob("*.jsonl"))) < 3:
            assert child.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    done = {p.stem for p in folder.glob("*.jsonl")}
    assert 3 <= len(done) < 16
    asked_before = len(chat_requests(server))

    server.respond_chat = interleaved_reply
    report = generate_opening(records, pipeline(server), tmp_path, "Killed", progress=False)
    assert report.complete and report.run.already_done == len(done) and report.run.made == 16 - len(done)
    again = [first_text(r) for r in chat_requests(server)[asked_before:]]
    assert len(again) == 16 - len(done)
    validate_submission(folder, [r.instance for r in records], "Killed")
