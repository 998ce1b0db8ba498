"""The judge prompts reproduce the official OpenING layout: sections, image numbering, verdict request."""

from __future__ import annotations

import pytest

from genjudge.core.records import Step
from genjudge.judges.prompts import (
    PAIRWISE_SYSTEM_PROMPT,
    PROMPT_VERSION,
    SCORE_CRITERIA,
    VERDICT_REQUEST,
    PromptImage,
    build_pairwise_prompt,
    build_score_prompt,
    pairwise_prompt_version,
    pairwise_system_prompt,
)

IMG = [f"image-{k}".encode() for k in range(10)]


def test_pairwise_prompt_follows_the_official_layout():
    prompt = build_pairwise_prompt(
        question=(Step("<BEGIN>Plan a trip. <image>", IMG[0]), Step("  Two days only. ")),
        output_a=(Step("Day 1 <image>", IMG[1]), Step("Day 2", IMG[2])),
        output_b=(Step("Both days", IMG[3]),),
    )
    assert prompt.system == PAIRWISE_SYSTEM_PROMPT
    assert prompt.parts == (
        "<INPUT>: Plan a trip.  <IMG_0></IMG_0>",
        PromptImage(0, IMG[0]),
        "Two days only.",
        "<OUTPUT_A>: Day 1  <IMG_1></IMG_1>",
        PromptImage(1, IMG[1]),
        "Day 2 <IMG_2></IMG_2>",
        PromptImage(2, IMG[2]),
        "\n<OUTPUT_B>: Both days <IMG_3></IMG_3>",
        PromptImage(3, IMG[3]),
        VERDICT_REQUEST,
    )
    assert prompt.images == (IMG[0], IMG[1], IMG[2], IMG[3])


def test_the_verdict_request_names_the_four_official_strings():
    for verdict in ("A is better", "B is better", "Tie(A is better)", "Tie(B is better)"):
        assert f'"{verdict}"' in VERDICT_REQUEST


def test_empty_answers_get_the_bare_section_markers():
    prompt = build_pairwise_prompt(
        question=(Step("Question"),),
        output_a=(),
        output_b=(Step(""), Step("late text")),
    )
    assert prompt.user_text() == "<INPUT>: Question\n<OUTPUT_A>:\n<OUTPUT_B>:late text" + VERDICT_REQUEST


def test_an_image_only_first_step_keeps_the_header_with_its_marker():
    prompt = build_pairwise_prompt(
        question=(Step("Draw"),), output_a=(Step("", IMG[0]),), output_b=(Step("<image>", IMG[1]),)
    )
    assert prompt.parts[1:5] == (
        "<OUTPUT_A>:  <IMG_0></IMG_0>",
        PromptImage(0, IMG[0]),
        "\n<OUTPUT_B>:  <IMG_1></IMG_1>",
        PromptImage(1, IMG[1]),
    )


def test_images_are_numbered_across_input_reference_and_both_answers():
    prompt = build_pairwise_prompt(
        question=(Step("q", IMG[0]),),
        reference=(Step("gold", IMG[1]),),
        output_a=(Step("a", IMG[2]),),
        output_b=(Step("b", IMG[3]), Step("b2", IMG[4])),
    )
    numbers = [part.number for part in prompt.parts if isinstance(part, PromptImage)]
    assert numbers == [0, 1, 2, 3, 4]
    assert "\n<REFERENCE>: gold <IMG_1></IMG_1>" in prompt.parts
    assert "<REFERENCE>:" in prompt.system, "the system message explains the reference section"


def test_hf_and_openai_messages_keep_the_order_of_texts_and_images():
    prompt = build_pairwise_prompt(
        question=(Step("q", IMG[0]),), output_a=(Step("a"),), output_b=(Step("b"),)
    )
    hf = prompt.to_hf_messages()
    assert hf[0] == {"role": "system", "content": PAIRWISE_SYSTEM_PROMPT}
    assert [part["type"] for part in hf[1]["content"]] == ["text", "image", "text", "text", "text"]
    openai = prompt.to_openai_messages(lambda data: "data:" + data.decode())
    assert openai[1]["content"][1] == {"type": "image_url", "image_url": {"url": "data:image-0"}}


def test_a_prompt_file_replaces_the_system_message_and_versions_it_by_content(tmp_path):
    path = tmp_path / "qwen_judge_system.txt"
    path.write_text("Official wording.\n\n**Data to Review:**", encoding="utf-8")
    system = pairwise_system_prompt(path)
    assert system.text == "Official wording.\n\n**Data to Review:**"
    assert system.version.startswith(PROMPT_VERSION + "/file-sha256:")
    assert pairwise_system_prompt(path).version == system.version
    path.write_text("Official wording, edited.", encoding="utf-8")
    assert pairwise_system_prompt(path).version != system.version
    assert pairwise_prompt_version(system, with_reference=True).endswith("+reference")
    assert pairwise_system_prompt().version == PROMPT_VERSION


def test_missing_or_empty_prompt_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="system prompt file not found"):
        pairwise_system_prompt(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="is empty"):
        pairwise_system_prompt(empty)


def test_score_prompt_follows_the_official_single_output_layout():
    prompt = build_score_prompt(
        question=(Step("<BEGIN>Make a poster", IMG[0]),),
        output=(Step("Here it is", IMG[1]), Step("Done.")),
    )
    assert prompt.parts[:5] == (
        "INPUT: Make a poster <IMG_0></IMG_0>",
        PromptImage(0, IMG[0]),
        "\nOUTPUT: Here it is <IMG_1></IMG_1>",
        PromptImage(1, IMG[1]),
        "Done.",
    )
    for criterion in SCORE_CRITERIA:
        assert criterion in prompt.system
    assert '"scores"' in prompt.system and '"Score"' in prompt.system and '"Justification"' in prompt.system
    assert "\nOUTPUT: None" in build_score_prompt(question=(Step("q"),), output=()).parts
