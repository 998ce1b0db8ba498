"""Chat answers through OpenAI-compatible endpoints, one or several, with failures sorted."""

from __future__ import annotations

import pytest
from support.chat_server import completion
from support.fake_openai_server import FakeOpenAIServer, error_reply

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
    assert chat.settings() == {"model": "tiny-chat", "endpoint": "openai-chat", "request": {"temperature": 0}}


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
