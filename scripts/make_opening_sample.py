"""Write the embedded OpenING sample release to src/genjudge/benchmarks/opening/sample_data/ (deterministic).

Usage: python scripts/make_opening_sample.py

The sample mirrors the official layout exactly (OpenING-benchmark/{dev,test}_data.jsonl, images in
images/<subtask_name>/<data_id>-{i,o}-<k>.jpg, and gen_outputs/<Model>_output/<total_uid>.json[l]
with <total_uid>-o-<k>.jpg beside it). Task ids and names are the official ones; every text is
written here and every image is drawn with Pillow, so nothing is copied from the release.

Four fictional models answer the test split with clearly different quality, so a judge that compares
answers to the gold reference should rank them: Aurora-Interleave (close paraphrase of the gold
answer, matching pictures) > Mosaic-Base (shorter, half the steps, pictures partly wrong) >
Quill-TextOnly (relevant text, no images at all) > Drift-Gen (off-topic text and pictures).
"""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "genjudge" / "benchmarks" / "opening" / "sample_data"
SIZE = 96
QUALITY = 70

SUBTASKS = {
    "story": ("1", "Storybook Creation", "1", "Story Writting"),
    "completion": ("3", "Multimodal Content Completion", "1", "Storybook Completion"),
    "landscape": ("6", "Interactive Image Editing", "2", "Interactive Landscape Image Editing"),
    "geometry": ("8", "Multimodal Exam", "1", "Geometric Problem Test"),
    "mindmap": ("9", "Graph Generation", "1", "Mind Map Generation"),
    "recipe": ("20", "Cooking Tasks", "1", "Multimodal Recipe Generation"),
}

COLOURS = {
    "sky": (135, 196, 235),
    "night": (25, 30, 70),
    "sunset": (240, 140, 80),
    "grass": (90, 170, 80),
    "sand": (230, 210, 160),
    "paper": (245, 245, 235),
    "wood": (150, 105, 60),
    "orange": (245, 150, 30),
    "red": (210, 50, 40),
    "yellow": (245, 215, 40),
    "green": (40, 140, 60),
    "blue": (40, 90, 200),
    "white": (250, 250, 250),
    "grey": (130, 130, 140),
    "brown": (120, 80, 40),
    "black": (20, 20, 20),
    "purple": (130, 60, 160),
    "pink": (240, 150, 180),
}

# The sample's instances (texts and image specs), kept as data: scripts/opening_sample_instances.json.
# Each has a key, split, data_id and its input and gold output steps; a step is a text and an image
# spec ("shape:foreground/background") or null.
INSTANCES = [
    (
        item["key"],
        item["split"],
        item["data_id"],
        [(step["text"], step["image"]) for step in item["input"]],
        [(step["text"], step["image"]) for step in item["output"]],
    )
    for item in json.loads(
        (Path(__file__).with_name("opening_sample_instances.json")).read_text(encoding="utf-8")
    )
]

SYNONYMS = {
    "little": "small",
    "small": "tiny",
    "every": "each",
    "huge": "enormous",
    "looked": "seemed",
    "brightly": "clearly",
    "until": "till",
    "child": "kid",
    "rushing": "fast",
    "calm": "quiet",
    "dreamed": "wished",
    "young": "small",
    "hoping": "in the hope",
    "Soon": "Before long",
    "tightly": "firmly",
    "began": "started",
    "added": "put in",
    "changed": "turned",
    "covered": "blanketed",
    "removed": "gone",
    "chop": "cut",
    "blend": "puree",
    "serve": "enjoy it",
    "toast": "grill",
    "fry": "cook",
    "Here": "Below",
    "puts": "places",
    "branches": "arms",
    "about": "around",
}

OFF_TOPIC = [
    "The quarterly sales report shows a steady rise in smartphone accessories.",
    "Remember to update your password every three months for better security.",
    "The football match ended in a draw after extra time.",
    "Our office will be closed on Monday for maintenance of the heating system.",
    "Bitcoin prices moved sideways during the last trading session.",
]
OFF_TOPIC_IMAGES = ["bars:purple/white", "square:black/pink", "circle:purple/grey", "bars:blue/white"]


def fill(spec: str) -> tuple[str, tuple[int, int, int], tuple[int, int, int]]:
    shape, colours = spec.split(":")
    fg, bg = colours.split("/")
    return shape, COLOURS[fg], COLOURS[bg]


def draw(spec: str, jitter: int = 0) -> bytes:
    """A 96x96 JPEG of one simple shape; ``jitter`` shifts it a little to make a near copy."""
    shape, fg, bg = fill(spec)
    img = Image.new("RGB", (SIZE, SIZE), bg)
    d = ImageDraw.Draw(img)
    j = jitter
    if shape in ("circle", "moon", "sun", "egg"):
        d.ellipse((24 + j, 24 + j, 72 + j, 72 + j), fill=fg)
        if shape == "moon":
            d.ellipse((36 + j, 18 + j, 80 + j, 62 + j), fill=bg)
        if shape == "sun":
            for x in range(8, 96, 16):
                d.line((x, 4, 48, 48), fill=fg, width=2)
        if shape == "egg":
            d.ellipse((40 + j, 40 + j, 56 + j, 56 + j), fill=COLOURS["yellow"])
    elif shape in ("square", "castle", "house", "tower"):
        d.rectangle((24 + j, 40 + j, 72 + j, 84), fill=fg)
        if shape == "house":
            d.polygon([(18 + j, 42), (48 + j, 14), (78 + j, 42)], fill=COLOURS["red"])
        if shape == "castle":
            for x in (24, 44, 64):
                d.rectangle((x + j, 28, x + 8 + j, 40), fill=fg)
        if shape == "tower":
            d.rectangle((40 + j, 12, 56 + j, 84), fill=fg)
            d.ellipse((42 + j, 8, 54 + j, 20), fill=COLOURS["yellow"])
    elif shape in ("triangle", "mountain"):
        top = 14 if shape == "triangle" else 20
        d.polygon([(16 + j, 82), (80 + j, 82), (48 + j, top)], fill=fg)
        if shape == "triangle":
            d.line((16 + j, 82, 48 + j, top), fill=COLOURS["black"], width=2)
    elif shape == "tree":
        d.rectangle((44 + j, 56, 52 + j, 88), fill=COLOURS["brown"])
        d.ellipse((24 + j, 14, 72 + j, 62), fill=fg)
    elif shape in ("wave", "snow"):
        for y in range(30, 96, 14):
            if shape == "wave":
                d.arc((j, y, 48 + j, y + 16), 0, 180, fill=fg, width=3)
                d.arc((48 + j, y, 96 + j, y + 16), 0, 180, fill=fg, width=3)
            else:
                for x in range(6 + j, 96, 18):
                    d.ellipse((x, y, x + 5, y + 5), fill=fg)
    elif shape == "boat":
        d.polygon([(18 + j, 60), (78 + j, 60), (66 + j, 76), (30 + j, 76)], fill=fg)
        d.polygon([(48 + j, 20), (48 + j, 58), (72 + j, 58)], fill=fg)
    elif shape in ("cloud", "bird", "kite", "fox", "snowman", "flower", "star"):
        if shape == "cloud":
            for x in (24, 44, 60):
                d.ellipse((x + j, 32, x + 28 + j, 60), fill=fg)
        elif shape == "bird":
            d.ellipse((30 + j, 40, 66 + j, 64), fill=fg)
            d.polygon([(64 + j, 48), (80 + j, 52), (64 + j, 56)], fill=COLOURS["orange"])
        elif shape == "kite":
            d.polygon([(48 + j, 10), (70 + j, 40), (48 + j, 72), (26 + j, 40)], fill=fg)
            d.line((48 + j, 72, 40, 95), fill=COLOURS["black"], width=1)
        elif shape == "fox":
            d.ellipse((26 + j, 40, 70 + j, 80), fill=fg)
            d.polygon([(30 + j, 46), (36 + j, 22), (46 + j, 42)], fill=fg)
            d.polygon([(50 + j, 42), (60 + j, 22), (66 + j, 46)], fill=fg)
        elif shape == "snowman":
            d.ellipse((30 + j, 48, 66 + j, 86), fill=fg)
            d.ellipse((36 + j, 20, 60 + j, 48), fill=fg)
        elif shape == "flower":
            for dx, dy in ((0, -14), (0, 14), (-14, 0), (14, 0)):
                d.ellipse((40 + dx + j, 40 + dy, 56 + dx + j, 56 + dy), fill=fg)
            d.ellipse((42 + j, 42, 54 + j, 54), fill=COLOURS["yellow"])
        else:
            d.polygon(
                [
                    (48 + j, 12),
                    (58 + j, 40),
                    (86 + j, 40),
                    (62 + j, 56),
                    (72 + j, 84),
                    (48 + j, 66),
                    (24 + j, 84),
                    (34 + j, 56),
                    (10 + j, 40),
                    (38 + j, 40),
                ],
                fill=fg,
            )
    elif shape == "bowl":
        d.chord((16 + j, 20, 80 + j, 84), 0, 180, fill=fg)
        d.line((16 + j, 52, 80 + j, 52), fill=COLOURS["white"], width=3)
    elif shape == "mindmap":
        for x, y in ((16, 16), (80, 16), (16, 80), (80, 80)):
            d.line((48, 48, x, y), fill=fg, width=2)
            d.ellipse((x - 9, y - 9, x + 9, y + 9), fill=fg)
        d.ellipse((34, 34, 62, 62), fill=COLOURS["orange"])
    elif shape == "bars":
        for i, h in enumerate((30, 55, 40, 70)):
            d.rectangle((12 + i * 20, 88 - h, 26 + i * 20, 88), fill=fg)
    else:
        raise ValueError(f"unknown shape {shape}")
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=QUALITY)
    return buffer.getvalue()


def total_uid(key: str, data_id: str) -> str:
    meta, _, sub, _ = SUBTASKS[key]
    return f"{int(meta):02d}{int(sub):02d}{int(data_id):03d}"


def write_release(bench: Path) -> None:
    rows = {"dev": [], "test": []}
    for key, split, data_id, inputs, outputs in INSTANCES:
        meta, meta_name, sub, sub_name = SUBTASKS[key]
        sides = []
        for side, letter, steps in (("input", "i", inputs), ("output", "o", outputs)):
            json_steps = []
            k = 0
            for text, spec in steps:
                path = None
                if spec is not None:
                    k += 1
                    rel = f"images/{sub_name}/{data_id}-{letter}-{k}.jpg"
                    (bench / rel).parent.mkdir(parents=True, exist_ok=True)
                    (bench / rel).write_bytes(draw(spec))
                    path = f"./{rel}"
                json_steps.append({"image": path, "text": text})
            sides.append({side: json_steps})
        rows[split].append(
            {
                "total_uid": total_uid(key, data_id),
                "meta_task_id": meta,
                "meta_task_name": meta_name,
                "subtask_id": sub,
                "subtask_name": sub_name,
                "data_id": data_id,
                "conversations": sides,
            }
        )
    for split, split_rows in rows.items():
        with (bench / f"{split}_data.jsonl").open("w", encoding="utf-8") as handle:
            for row in split_rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def paraphrase(text: str) -> str:
    return " ".join(SYNONYMS.get(word, word) for word in text.split(" "))


def first_sentence(text: str) -> str:
    body = text.replace(" <image>", "").strip()
    cut = min((body.find(mark) for mark in (", ", ". ") if body.find(mark) > 0), default=len(body))
    return body[:cut].rstrip(".,") + "."


def model_steps(model: str, outputs: list, rng: random.Random) -> list[tuple[str, str | None, bool]]:
    """(text, image spec, whether the image field is an empty string rather than null)."""
    if model == "Aurora-Interleave":
        return [(paraphrase(text), spec, False) for text, spec in outputs]
    if model == "Mosaic-Base":
        kept = outputs[: max(1, len(outputs) // 2)]
        steps = []
        for i, (text, spec) in enumerate(kept):
            wrong = spec is not None and i % 2 == 1
            image = rng.choice(OFF_TOPIC_IMAGES) if wrong else spec
            steps.append((first_sentence(text) + (" <image>" if image else ""), image, False))
        return steps
    if model == "Quill-TextOnly":
        return [(first_sentence(text), None, i % 2 == 0) for i, (text, _) in enumerate(outputs)]
    return [(rng.choice(OFF_TOPIC) + " <image>", rng.choice(OFF_TOPIC_IMAGES), False) for _ in outputs]


MODELS = {
    # model: (file extension for even/odd instance, image path style)
    "Aurora-Interleave": ((".json", ".json"), "bare"),
    "Mosaic-Base": ((".jsonl", ".jsonl"), "prefixed"),
    "Quill-TextOnly": ((".json", ".jsonl"), "bare"),
    "Drift-Gen": ((".jsonl", ".json"), "mixed"),
}


def write_outputs(root: Path, bench: Path) -> None:
    tests = [inst for inst in INSTANCES if inst[1] == "test"]
    records = {
        row["total_uid"]: row
        for row in map(json.loads, (bench / "test_data.jsonl").read_text(encoding="utf-8").splitlines())
    }
    for model, (extensions, style) in MODELS.items():
        folder = root / "gen_outputs" / f"{model}_output"
        folder.mkdir(parents=True)
        rng = random.Random(f"opening-sample-{model}")
        for index, (key, _, data_id, _, outputs) in enumerate(tests):
            uid = total_uid(key, data_id)
            json_steps = []
            for k, (text, spec, empty) in enumerate(model_steps(model, outputs, rng)):
                image = "" if empty else None
                if spec is not None:
                    name = f"{uid}-o-{k}.jpg"
                    (folder / name).write_bytes(draw(spec, jitter=2 if model == "Aurora-Interleave" else 0))
                    prefixed = style == "prefixed" or (style == "mixed" and k % 2 == 1)
                    image = f"./{folder.name}/{name}" if prefixed else name
                json_steps.append({"text": text, "image": image})
            record = {key: value for key, value in records[uid].items() if key != "total_uid"}
            record["conversations"] = [records[uid]["conversations"][0], {"output": json_steps}]
            extension = extensions[index % 2]
            (folder / f"{uid}{extension}").write_text(
                json.dumps(record, indent=4, ensure_ascii=False) + "\n", encoding="utf-8"
            )


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    bench = OUT / "OpenING-benchmark"
    bench.mkdir(parents=True)
    write_release(bench)
    write_outputs(OUT, bench)
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
