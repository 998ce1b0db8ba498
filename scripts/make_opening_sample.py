"""Write the embedded OpenING sample release to src/genjudge/samples/opening/ (deterministic).

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
OUT = ROOT / "src" / "genjudge" / "samples" / "opening"
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

# Each instance: (key, split, data_id, input steps, gold output steps). A step is (text, image spec or
# None); an image spec is "shape:foreground/background".
INSTANCES = [
    (
        "story",
        "test",
        "1",
        [
            (
                "<BEGIN> Write a short illustrated story about a small orange fox who is afraid of the dark "
                "and learns to enjoy the night sky. Use three pictures.",
                None,
            )
        ],
        [
            (
                "Pip the little orange fox hid in his den every evening, because the dark outside looked "
                "huge and empty. <image>",
                "fox:orange/night",
            ),
            (
                "One night a yellow moon rose over the hill and lit the grass so brightly that Pip crept "
                "out to look. <image>",
                "moon:yellow/night",
            ),
            (
                "He counted the stars until he fell asleep on the hilltop, and from then on the night felt "
                "like a friend. <image>",
                "star:yellow/night",
            ),
        ],
    ),
    (
        "story",
        "test",
        "2",
        [("<BEGIN> Tell a two-part picture story about a paper boat that sails down a rainy street.", None)],
        [
            (
                "A child folded a white paper boat and set it on the rushing water by the curb while the "
                "rain kept falling. <image>",
                "boat:white/grey",
            ),
            (
                "The boat raced past puddles and drains until it reached a calm blue pond in the park, "
                "where it floated at last. <image>",
                "boat:white/blue",
            ),
        ],
    ),
    (
        "story",
        "test",
        "3",
        [
            (
                "Create a bedtime story with images. <BEGIN> The main character is a green tree that wants "
                "to see the sea.",
                None,
            )
        ],
        [
            (
                "A young green tree stood on a hill and dreamed of the sea it had only heard about from "
                "the birds. <image>",
                "tree:green/sky",
            ),
            (
                "Every autumn the tree sent its seeds away with the wind, hoping one would land near the "
                "water. <image>",
                "cloud:white/sky",
            ),
            (
                "Years later a little tree grew on the sandy shore, and the old tree knew its dream had "
                "come true. <image>",
                "tree:green/sand",
            ),
        ],
    ),
    (
        "story",
        "dev",
        "101",
        [("<BEGIN> Write a short story with two pictures about a red kite caught in a tree.", None)],
        [
            (
                "Mia's red kite flew too low and tangled in the branches of the tallest oak in the park. "
                "<image>",
                "tree:green/sky",
            ),
            (
                "Her grandfather lifted her onto his shoulders, she freed the kite, and it climbed back "
                "into the wind. <image>",
                "kite:red/sky",
            ),
        ],
    ),
    (
        "completion",
        "test",
        "4",
        [
            (
                "Please continue the story with pictures and text. <BEGIN> Tom built a small wooden house "
                "for the birds in his garden. <image>",
                "house:wood/grass",
            ),
            (
                "For many days no bird came, and Tom began to think the house was too plain. <image>",
                "house:wood/grass",
            ),
            ("So he painted the roof bright red and hung it higher on the tree. <image>", "house:red/sky"),
        ],
        [
            (
                "The next morning a blue bird landed on the red roof and peeked inside the little door. "
                "<image>",
                "bird:blue/sky",
            ),
            (
                "Soon the bird built a nest of twigs, and Tom watched the family grow all summer long. "
                "<image>",
                "bird:blue/grass",
            ),
        ],
    ),
    (
        "completion",
        "test",
        "5",
        [
            (
                "<BEGIN> Lena went to the beach with her yellow bucket to build a sand castle. <image>",
                "square:yellow/sand",
            ),
            ("The first castle collapsed when a big wave washed over it. <image>", "wave:blue/sand"),
        ],
        [
            (
                "Lena moved further from the water and packed the wet sand tightly, tower by tower. <image>",
                "castle:sand/sky",
            ),
            (
                "By sunset her castle stood tall with a shell on top, and the waves could not reach it. "
                "<image>",
                "castle:sand/sunset",
            ),
        ],
    ),
    (
        "completion",
        "test",
        "6",
        [
            (
                "Complete the story in two steps. <BEGIN> A snowman stood alone in the white field. <image>",
                "snowman:white/sky",
            ),
            ("The sun grew warmer each day and the snowman began to shrink. <image>", "sun:yellow/sky"),
        ],
        [
            (
                "The children came back with buckets of fresh snow and rebuilt him in the shade of a "
                "barn. <image>",
                "snowman:white/grey",
            ),
            (
                "There he stayed cool until the first flowers of spring appeared around his feet. <image>",
                "flower:pink/grass",
            ),
        ],
    ),
    (
        "completion",
        "dev",
        "102",
        [
            ("<BEGIN> The old lighthouse keeper lit the lamp every night. <image>", "tower:white/night"),
            ("One stormy night the lamp went out. <image>", "cloud:grey/night"),
        ],
        [
            (
                "He climbed the stairs with a candle and fixed the lamp just as a fishing boat came close "
                "to the rocks. <image>",
                "tower:yellow/night",
            ),
            (
                "The boat turned safely toward the harbour, and the crew waved their thanks at dawn. <image>",
                "boat:red/sunset",
            ),
        ],
    ),
    (
        "landscape",
        "test",
        "7",
        [
            (
                "<BEGIN> Here is a photo of a mountain lake at noon. Please change it to a sunset scene "
                "with an orange sky. <image>",
                "mountain:grey/sky",
            )
        ],
        [
            (
                "I changed the sky to warm orange and red tones, darkened the mountain to a silhouette, "
                "and added a reflection of the setting sun on the lake. <image>",
                "mountain:black/sunset",
            )
        ],
    ),
    (
        "landscape",
        "test",
        "8",
        [
            ("<BEGIN> Add falling snow to this green meadow picture. <image>", "tree:green/grass"),
            ("Now also make the trees white, as if it snowed all night. <image>", "tree:green/grass"),
        ],
        [
            (
                "Here is the meadow covered by snow: the grass is white and flakes fill the air. <image>",
                "snow:white/grey",
            ),
            ("And here the trees are also white with snow on every branch. <image>", "tree:white/grey"),
        ],
    ),
    (
        "landscape",
        "test",
        "9",
        [
            (
                "<BEGIN> Remove the boat from this seaside picture and make the water calmer. <image>",
                "boat:red/blue",
            )
        ],
        [
            (
                "The boat is removed and the waves are smoothed out, leaving a calm blue sea under a clear "
                "sky. <image>",
                "wave:blue/sky",
            )
        ],
    ),
    (
        "geometry",
        "test",
        "10",
        [
            (
                "<BEGIN> In the right triangle shown, the two legs are 3 cm and 4 cm long. How long is the "
                "hypotenuse? Explain with a drawing. <image>",
                "triangle:blue/paper",
            )
        ],
        [
            (
                "By the Pythagorean theorem the hypotenuse is the square root of 3 squared plus 4 squared, "
                "which is the square root of 25, so it is 5 cm. <image>",
                "triangle:red/paper",
            )
        ],
    ),
    (
        "geometry",
        "test",
        "11",
        [
            (
                "<BEGIN> A square has a side of 6 cm. What is the area of the circle inscribed in it? "
                "<image>",
                "square:blue/paper",
            )
        ],
        [
            (
                "The inscribed circle has a diameter equal to the side, 6 cm, so its radius is 3 cm and its "
                "area is 9 times pi, about 28.3 square centimetres.",
                None,
            )
        ],
    ),
    (
        "geometry",
        "test",
        "12",
        [("<BEGIN> Draw an equilateral triangle with side 4 cm and find its perimeter.", None)],
        [
            (
                "An equilateral triangle has three equal sides, so the perimeter is 3 times 4 cm, which is "
                "12 cm. Here is the drawing. <image>",
                "triangle:green/paper",
            )
        ],
    ),
    (
        "geometry",
        "dev",
        "103",
        [("<BEGIN> A circle has a radius of 2 cm. What is its circumference? <image>", "circle:blue/paper")],
        [("The circumference is 2 times pi times the radius, so 4 pi, about 12.6 cm.", None)],
    ),
    (
        "mindmap",
        "test",
        "13",
        [("<BEGIN> Please draw a mind map about healthy sleep habits.", None)],
        [
            (
                "The mind map puts healthy sleep in the centre with four branches: a regular bedtime, a "
                "dark and quiet room, no screens before bed, and less coffee in the evening. <image>",
                "mindmap:blue/paper",
            )
        ],
    ),
    (
        "mindmap",
        "test",
        "14",
        [("<BEGIN> Make a mind map of the water cycle for a school class.", None)],
        [
            (
                "In the centre is the water cycle, with branches for evaporation from the sea, "
                "condensation into clouds, rain falling on land, and rivers flowing back to the sea. <image>",
                "mindmap:green/paper",
            )
        ],
    ),
    (
        "recipe",
        "test",
        "15",
        [
            (
                "<BEGIN> Show me how to make a simple tomato soup in three illustrated steps. <image>",
                "bowl:red/wood",
            )
        ],
        [
            ("Step 1: chop two onions and fry them in olive oil until soft. <image>", "circle:white/wood"),
            (
                "Step 2: add six chopped red tomatoes and a cup of water, then simmer for twenty minutes. "
                "<image>",
                "circle:red/wood",
            ),
            (
                "Step 3: blend the soup until smooth, season with salt and pepper, and serve hot. <image>",
                "bowl:red/wood",
            ),
        ],
    ),
    (
        "recipe",
        "test",
        "16",
        [("<BEGIN> How do I make a fried egg on toast? Please give steps with pictures.", None)],
        [
            ("Step 1: toast a slice of bread until golden brown. <image>", "square:brown/wood"),
            (
                "Step 2: fry an egg in butter until the white is set but the yolk is still soft. <image>",
                "egg:white/grey",
            ),
            (
                "Step 3: put the egg on the toast and sprinkle a little salt on top. <image>",
                "egg:yellow/brown",
            ),
        ],
    ),
    (
        "recipe",
        "dev",
        "104",
        [("<BEGIN> Give a two-step illustrated recipe for a green salad.", None)],
        [
            (
                "Step 1: wash the lettuce and cucumber and cut them into bite-sized pieces. <image>",
                "circle:green/wood",
            ),
            (
                "Step 2: toss everything with olive oil and lemon juice in a big bowl. <image>",
                "bowl:green/wood",
            ),
        ],
    ),
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
