"""Text-to-image through OpenAI-compatible images endpoints, one or several, with failures sorted."""

from __future__ import annotations

import time

import pytest
from support.fake_openai_server import FakeOpenAIServer, colour_of, error_reply, image_reply

from genjudge.generation.images_endpoint import OpenAIImages
from genjudge.generation.protocol import Failed, GenerationError, ImageRequest, TextToImageGenerator


@pytest.fixture
def servers():
    running = [FakeOpenAIServer(), FakeOpenAIServer()]
    yield running
    for server in running:
        server.kill()


def requests(count: int) -> list[ImageRequest]:
    return [ImageRequest(f"a picture of thing {n}", seed=100 + n) for n in range(count)]


def test_images_come_back_in_order_from_several_servers(servers):
    with OpenAIImages(
        base_urls=[s.url for s in servers], model="tiny-t2i", size="24x16", send_seed=True
    ) as gen:
        assert isinstance(gen, TextToImageGenerator)
        images = gen.generate(requests(6))
        served = [s.served for s in gen.endpoint_stats()]
    assert sum(served) == 6  # how they are split between the servers depends on timing
    assert [image.size for image in images] == [(24, 16)] * 6
    assert [image.getpixel((0, 0)) for image in images] == [colour_of(r.prompt, r.seed) for r in requests(6)]
    sent = servers[0].image_requests()[0]
    assert sent["model"] == "tiny-t2i" and sent["response_format"] == "b64_json" and sent["n"] == 1
    assert gen.settings() == {
        "model": "tiny-t2i",
        "endpoint": "openai-images",
        "request": {"n": 1, "size": "24x16", "response_format": "b64_json"},
        "seed_sent": True,
    }


def test_no_seed_is_sent_unless_asked(servers):
    with OpenAIImages(servers[0].url, model="dall-e-3", size="8x8") as gen:
        gen.generate(requests(1))
    assert "seed" not in servers[0].image_requests()[0]


def test_a_refused_prompt_fails_that_item_and_the_others_are_made(servers):
    server = servers[0]
    server.respond_images = lambda request: (
        error_reply(400, "Your request was rejected by the safety system.", "content_policy_violation")
        if "thing 1" in request["prompt"]
        else image_reply(request)
    )
    with OpenAIImages(server.url, model="dall-e-3", size="8x8") as gen:
        made = gen.generate(requests(3))
    assert made[1] == Failed(
        "the endpoint refused the prompt: HTTP 400: Your request was rejected by the safety system."
    )
    assert made[0].size == made[2].size == (8, 8)


def test_a_bad_key_stops_the_run_without_showing_the_key(servers, monkeypatch):
    monkeypatch.setenv("IMAGES_KEY", "sk-secret-value-123456")
    servers[0].respond_images = lambda request: error_reply(401, "Incorrect API key sk-secret-value-123456")
    with (
        OpenAIImages(servers[0].url, model="dall-e-3", api_key_env="IMAGES_KEY") as gen,
        pytest.raises(GenerationError, match="HTTP 401") as err,
    ):
        gen.generate(requests(1))
    assert "sk-secret-value-123456" not in str(err.value)
    assert "Incorrect API key" not in str(err.value)  # a refused key's reply is not shown at all


def test_a_request_past_its_deadline_moves_to_a_live_server(servers):
    def slow(request):
        time.sleep(3)
        return image_reply(request)

    servers[0].respond_images = slow
    with OpenAIImages(
        base_urls=[s.url for s in servers], model="m", size="8x8", deadline=1.0, probe_interval=60
    ) as gen:
        images = gen.generate(requests(2))
        stats = {stat.url: stat for stat in gen.endpoint_stats()}
    assert [image.size for image in images] == [(8, 8), (8, 8)]
    assert stats[servers[1].url].served == 2
    assert "1 s deadline" in (stats[servers[0].url].last_error or "")


def test_a_dead_server_is_taken_out_and_the_run_goes_on(servers):
    servers[0].kill()
    with OpenAIImages(base_urls=[s.url for s in servers], model="m", size="8x8", probe_interval=60) as gen:
        images = gen.generate(requests(4))
        stats = gen.endpoint_stats()
    assert all(image.size == (8, 8) for image in images)
    assert stats[0].live is False and stats[1].served == 4


def test_a_busy_server_is_retried(servers):
    answers = iter([error_reply(503, "overloaded"), error_reply(429, "slow down")])
    servers[0].respond_images = lambda request: next(answers, None) or image_reply(request)
    with OpenAIImages(servers[0].url, model="m", size="8x8", backoff_base=0.01, backoff_max=0.02) as gen:
        (image,) = gen.generate(requests(1))
    assert image.size == (8, 8) and len(servers[0].image_requests()) == 3


def test_an_item_that_keeps_failing_transiently_is_failed_not_fatal(servers):
    servers[0].respond_images = lambda request: error_reply(429, "rate limited")
    with OpenAIImages(servers[0].url, model="m", max_retries=1, backoff_base=0.01, backoff_max=0.02) as gen:
        (made,) = gen.generate(requests(1))
    assert made == Failed("gave up after 2 attempts; last failure: HTTP 429")


def test_every_server_down_stops_the_run(servers):
    for server in servers:
        server.kill()
    with (
        OpenAIImages(base_urls=[s.url for s in servers], model="m", max_retries=1, backoff_base=0.01) as gen,
        pytest.raises(GenerationError, match="all 2 endpoints are down"),
    ):
        gen.generate(requests(1))


def test_an_answer_with_a_url_instead_of_image_data_is_a_setup_error(servers):
    servers[0].respond_images = lambda request: (200, b'{"data": [{"url": "https://example.com/x.png"}]}')
    with OpenAIImages(servers[0].url, model="m") as gen, pytest.raises(GenerationError, match="image URL"):
        gen.generate(requests(1))
