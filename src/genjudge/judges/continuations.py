"""Score fixed continuations of a batch of prompts in one pass over the prompts.

A verdict is one of four short strings, so instead of decoding up to 128 tokens per pair the judge
can read off how likely each string is: the sum of the log-probabilities of its tokens after the
prompt. The expensive part, the prompt (thousands of tokens with images), is run once per pair
with a KV cache; the cache is then repeated for the candidate strings and only their few tokens are
run. Position ids are passed explicitly on both calls: M-RoPE gives image tokens 2-D positions, so
the continuation starts at the prompt's largest position + 1, not at its token count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch


def _prompt_positions(model: torch.nn.Module, inputs: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """M-RoPE position ids (3, batch, seq) for left-padded prompts, as the model itself computes them."""
    position_ids, _ = model.model.get_rope_index(
        inputs["input_ids"],
        mm_token_type_ids=inputs["mm_token_type_ids"],
        image_grid_thw=inputs.get("image_grid_thw"),
        attention_mask=inputs["attention_mask"],
    )
    return position_ids


@torch.inference_mode()
def continuation_logprobs(
    model: torch.nn.Module,
    inputs: Mapping[str, torch.Tensor],
    continuations: Sequence[Sequence[int]],
    pad_token_id: int,
) -> torch.Tensor:
    """Summed log-probability of each continuation after each prompt: a (batch, n_continuations) tensor.

    ``inputs`` are left-padded prompts (``QwenVLInputs.batch``); ``continuations`` are token-id
    lists shared by all prompts.
    """
    if not continuations or any(len(c) == 0 for c in continuations):
        raise ValueError("every continuation needs at least one token")
    device = model.device
    inputs = {key: value.to(device) for key, value in inputs.items()}
    batch_size = inputs["input_ids"].shape[0]
    n_cont = len(continuations)
    longest = max(len(c) for c in continuations)

    positions = _prompt_positions(model, inputs)
    prompt = model(
        input_ids=inputs["input_ids"],
        attention_mask=inputs["attention_mask"],
        position_ids=positions,
        pixel_values=inputs.get("pixel_values"),
        image_grid_thw=inputs.get("image_grid_thw"),
        mm_token_type_ids=inputs["mm_token_type_ids"],
        use_cache=True,
        logits_to_keep=1,
    )
    first = torch.log_softmax(prompt.logits[:, -1].float(), dim=-1)  # (batch, vocab)

    cont_ids = torch.full((n_cont, longest), pad_token_id, dtype=torch.long, device=device)
    cont_mask = torch.zeros((n_cont, longest), dtype=inputs["attention_mask"].dtype, device=device)
    for row, ids in enumerate(continuations):
        cont_ids[row, : len(ids)] = torch.tensor(ids, device=device)
        cont_mask[row, : len(ids)] = 1
    first_ids = cont_ids[:, 0]
    total = first[:, first_ids]  # (batch, n_cont)
    if longest == 1:
        return total

    # Every prompt row is followed by each continuation: repeat the cache, feed all but the last token.
    cache = prompt.past_key_values
    cache.batch_repeat_interleave(n_cont)
    step_ids = cont_ids[:, :-1].repeat(batch_size, 1)
    step_mask = cont_mask[:, :-1].repeat(batch_size, 1)
    attention = torch.cat([inputs["attention_mask"].repeat_interleave(n_cont, dim=0), step_mask], dim=1)
    start = positions[:, :, -1:].repeat_interleave(n_cont, dim=1) + 1  # (3, batch*n_cont, 1)
    step_positions = start + torch.arange(longest - 1, device=device).view(1, 1, -1)
    step = model(
        input_ids=step_ids,
        attention_mask=attention,
        position_ids=step_positions,
        past_key_values=cache,
        use_cache=True,
    )
    logprobs = torch.log_softmax(step.logits.float(), dim=-1)  # (batch*n_cont, longest-1, vocab)
    targets = cont_ids[:, 1:].repeat(batch_size, 1)
    picked = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    picked = picked * cont_mask[:, 1:].repeat(batch_size, 1)
    return total + picked.sum(dim=-1).view(batch_size, n_cont)
