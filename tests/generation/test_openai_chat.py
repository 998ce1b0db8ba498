"""Chat answers through OpenAI-compatible endpoints, one or several, with images as data URLs and
failures sorted."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image
from support.chat_server import completion
from support.fake_openai_server import FakeOpenAIServer, error_reply

from genjudge.generation.chat_images import image_part, text_part
from genjudge.generation.openai_chat import OpenAIChat
from genjudge.generation.protocol import ChatGenerator, Failed, GenerationError


@pytest.fixture
def servers():
    running = [FakeOpenAIServer(), FakeOpenAIServer()]
    for server in running:
        server.respond_chat = lambda request: completion(f"echo: {request['messages'][-1]['content']}")
    yield running
    for server in running:
        server.kill()


def conversations(count: int) -> list[list[dict]]:
    return [[{"role": "user", "content": f"question {n}"}] for n in range(count)]


def test_answers_come_back_in_order_from_several_servers_with_the_options_sent(servers):
    with OpenAIChat(
        base_urls=[s.url for s in servers], model="tiny-chat", options={"temperature": 0}
    ) as chat:
        assert isinstance(chat, ChatGenerator)
        answers = chat.chat(conversations(6))
        assert sum(s.served for s in chat.endpoint_stats()) == 6
    assert answers == [f"echo: question {n}" for n in range(6)]
    sent = [request for server in servers for _, request in server.requests]
    assert all(request["temperature"] == 0 and request["model"] == "tiny-chat" for request in sent)
    assert chat.settings() == {
        "model": "tiny-chat",
        "endpoint": "openai-chat",
        "request": {"temperature": 0},
        "images": "image parts as JPEG data URLs, longer side <= 1024; image_url parts as given",
        "empty_answers": "fail",
    }


def test_a_refused_or_empty_answer_fails_that_item_only(servers):
    server = servers[0]
    server.respond_chat = lambda request: {
        "question 0": error_reply(400, "This prompt was filtered."),
        "question 1": completion("   "),
    }.get(request["messages"][-1]["content"], completion("fine"))
    with OpenAIChat(server.url, model="m") as chat:
        answers = chat.chat(conversations(3))
    refused = answers[0]
    assert isinstance(refused, Failed) and refused.reason.startswith(
        "the endpoint refused the conversation: HTTP 400"
    )
    assert "This prompt was filtered." in refused.reason
    assert answers[1] == Failed("the model answered with an empty message")
    assert answers[2] == "fine"
    with OpenAIChat(server.url, model="m", empty_answers="keep") as chat:
        assert chat.chat(conversations(3))[1:] == ["", "fine"]


def test_a_request_that_keeps_failing_transiently_fails_its_item(servers):
    servers[0].respond_chat = lambda request: error_reply(429, "slow down")
    with OpenAIChat(servers[0].url, model="m", max_retries=1, backoff_base=0.01) as chat:
        (answer,) = chat.chat(conversations(1))
    assert isinstance(answer, Failed) and "after 2 attempts" in answer.reason


@pytest.mark.parametrize("status", [401, 404])
def test_a_wrong_key_or_model_stops_the_run(servers, status):
    servers[0].respond_chat = lambda request: error_reply(status, "no such model")
    with (
        OpenAIChat(servers[0].url, model="m") as chat,
        pytest.raises(GenerationError, match=f"HTTP {status}"),
    ):
        chat.chat(conversations(1))


def test_every_server_down_stops_the_run(servers):
    for server in servers:
        server.kill()
    chat = OpenAIChat(base_urls=[s.url for s in servers], model="m", max_retries=0)
    with chat, pytest.raises(GenerationError, match="endpoint"):
        chat.chat(conversations(1))


def test_options_the_generator_sets_itself_are_refused():
    with pytest.raises(GenerationError, match="messages cannot be set"):
        OpenAIChat("http://127.0.0.1:9/v1", model="m", options={"messages": []})


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_parts_go_as_downscaled_data_urls_in_order_and_image_urls_as_given(servers):
    seen: list[dict] = []

    def respond(request: dict) -> tuple[int, bytes]:
        seen.append(request)
        content = request["messages"][-1]["content"]
        return completion(f"{sum(part['type'] == 'image_url' for part in content)} image(s)")

    given = "data:image/png;base64," + base64.b64encode(png((0, 200, 0))).decode("ascii")
    asked = [
        [{"role": "user", "content": [image_part(png((200, 30, 30))), text_part("Which disease is shown?")]}],
        [
            {
                "role": "user",
                "content": [text_part("Compare"), image_part(png((0, 0, 200))), image_part(png((9,) * 3))],
            }
        ],
        [
            {
                "role": "user",
                "content": [text_part("As sent"), {"type": "image_url", "image_url": {"url": given}}],
            }
        ],
    ]
    servers[0].respond_chat = respond
    with OpenAIChat(servers[0].url, model="served-vlm", image_max_side=16) as chat:
        assert chat.chat(asked) == ["1 image(s)", "2 image(s)", "1 image(s)"]
    compare = next(r for r in seen if r["messages"][0]["content"][0] == text_part("Compare"))
    urls = [part["image_url"]["url"] for part in compare["messages"][0]["content"][1:]]
    assert all(url.startswith("data:image/jpeg;base64,") for url in urls)
    first = Image.open(io.BytesIO(base64.b64decode(urls[0].split(",", 1)[1])))
    assert max(first.size) <= 16 and first.convert("RGB").getpixel((0, 0))[2] > 150  # the blue one first
    as_sent = next(r for r in seen if r["messages"][0]["content"][0] == text_part("As sent"))
    assert as_sent["messages"][0]["content"][1]["image_url"]["url"] == given


def test_an_undecodable_image_fails_its_item_and_a_malformed_part_is_named(servers):
    with OpenAIChat(servers[0].url, model="m") as chat:
        broken, fine = chat.chat(
            [[{"role": "user", "content": [image_part(b"not an image")]}], conversations(1)[0]]
        )
        assert isinstance(broken, Failed) and "cannot be decoded" in broken.reason
        assert fine == "echo: question 0"
        with pytest.raises(GenerationError, match="part"):
            chat.chat([[{"role": "user", "content": [{"type": "image", "image": "cat.png"}]}]])


def test_a_refused_conversation_with_images_fails_its_item_and_a_bad_key_stops_the_run(servers):
    server = servers[0]
    server.respond_chat = lambda request: (
        error_reply(400, "prompt too long")
        if "fish" in json.dumps(request["messages"])
        else completion("fine")
    )
    asked = [
        [{"role": "user", "content": [image_part(png((200, 30, 30))), text_part("Which disease is shown?")]}],
        [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "Where do fish live?"},
        ],
    ]
    with OpenAIChat(server.url, model="served-vlm", options={"max_tokens": 256, "temperature": 0}) as chat:
        answers = chat.chat(asked)
        assert answers[0] == "fine"
        assert isinstance(answers[1], Failed) and "prompt too long" in answers[1].reason
        server.respond_chat = lambda request: error_reply(401, "invalid key")
        with pytest.raises(GenerationError, match="HTTP 401"):
            chat.chat(asked[:1])
    assert all(r["max_tokens"] == 256 and r["temperature"] == 0 for _, r in server.requests)
