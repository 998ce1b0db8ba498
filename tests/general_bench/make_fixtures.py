"""Write the small General-Bench fixture tree used by these tests (run once; the output is committed).

    python tests/general_bench/make_fixtures.py

The tree mirrors the released layout with every modality and varied folder casing:
``<modality>/<comprehension|generation>/<Task>/annotation.json`` + media and
``nlp/<Task>/annotation.json``; a reference workbook in the ``sota_result.xlsx`` layout; and a
model's predictions in a mirror tree (both prediction.json shapes). Media are tiny but real: PNGs
from Pillow, a WAV from the stdlib ``wave`` module, ISO-BMFF (MP4) box bytes, ASCII PLY/OBJ meshes.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import wave
from pathlib import Path

from openpyxl import Workbook
from PIL import Image

HERE = Path(__file__).parent / "fixtures"
RELEASE = HERE / "General-Bench-Openset"
PREDICTIONS = HERE / "predictions"


def png(color: tuple[int, int, int], size: tuple[int, int] = (8, 6), noise: int = 0) -> bytes:
    image = Image.new("RGB", size, color)
    if noise:
        image.putpixel((1, 1), tuple(min(255, c + noise) for c in color))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def mask_png(values: list[list[int]]) -> bytes:
    image = Image.new("L", (len(values[0]), len(values)))
    image.putdata([v for row in values for v in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def wav(frequency_step: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(
            b"".join(struct.pack("<h", (i * frequency_step) % 2000 - 1000) for i in range(400))
        )
    return buffer.getvalue()


def mp4(tag: bytes) -> bytes:
    """An ISO base media file: ftyp box, free box and an mdat box carrying ``tag``."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    boxes = [(b"ftyp", ftyp), (b"free", b""), (b"mdat", tag)]
    return b"".join(struct.pack(">I", 8 + len(body)) + kind + body for kind, body in boxes)


PLY = (
    b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
    b"end_header\n0 0 0\n1 0 0\n0 1 0\n"
)
OBJ = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


def write(path: Path, data: bytes | str | object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def annotation(task: str, task_type: str, records: list[dict]) -> dict:
    return {"task": task, "type": task_type, "data": records}


def release() -> None:
    t = RELEASE / "Image" / "comprehension" / "Fruit Disease Recognition"
    write(t / "images" / "1.png", png((200, 30, 30)))
    write(t / "images" / "2.png", png((30, 200, 30)))
    write(t / "images" / "3.png", png((30, 30, 200)))
    write(
        t / "annotation.json",
        annotation(
            "Fruit Disease Recognition",
            "classification",
            [
                {
                    "id": f"fruit_{i}",
                    "input": {"image_file": f"images/{i}.png", "prompt": "Which disease is shown?"},
                    "output": {"answer": label},
                }
                for i, label in ((1, "apple scab"), (2, "healthy"), (3, "black rot"))
            ],
        ),
    )

    t = RELEASE / "image" / "Generation" / "Image Deraining"
    for i, color in ((1, (90, 90, 120)), (2, (140, 100, 60))):
        write(t / "rainy" / f"{i}.png", png(color, noise=40))
        write(t / "clean" / f"{i}.png", png(color))
    write(
        t / "annotation.json",
        annotation(
            "Image Deraining",
            "image restoration",
            [
                {
                    "id": i,
                    "input": {"image": f"rainy/{i}.png", "prompt": "Remove the rain."},
                    "output": {"image": f"./clean/{i}.png"},
                }
                for i in (1, 2)
            ],
        ),
    )

    t = RELEASE / "image" / "comprehension" / "Road Crack Detection"
    write(t / "img" / "r1.png", png((120, 120, 120)))
    write(t / "mask" / "r1.png", mask_png([[0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 0, 0]]))
    write(
        t / "annotation.json",
        annotation(
            "Road Crack Detection",
            "segmentation",
            [{"id": "r1", "input": {"image_file": "img/r1.png"}, "output": {"mask_file": "mask/r1.png"}}],
        ),
    )

    t = RELEASE / "Video" / "Comprehension" / "Sports Video Question Answering"
    write(t / "video" / "a.mp4", mp4(b"clip a"))
    write(t / "video" / "b.mp4", mp4(b"clip b"))
    write(
        t / "annotation.json",
        annotation(
            "Sports Video Question Answering",
            "video QA",
            [
                {
                    "id": "v1",
                    "input": {"video_file": "a.mp4", "question": "What sport is played?"},
                    "output": {"answer": "the players are playing basketball"},
                },
                {
                    "id": "v2",
                    "input": {"video_file": "/mnt/authors/data/video/b.mp4", "question": "Who wins?"},
                    "output": {"answer": "the team in red wins"},
                },
            ],
        ),
    )

    t = RELEASE / "Video" / "Comprehension" / "Ball Tracking"
    for frame in (1, 2):
        write(t / "frames" / "clip1" / f"{frame:05d}.png", png((10 * frame, 40, 40)))
    write(
        t / "annotation.json",
        annotation(
            "Ball Tracking",
            "tracking",
            [
                {
                    "id": "clip1",
                    "input": {"video_folder": "frames/clip1", "prompt": "Track the ball."},
                    "output": {"answer": [[1, 1, 2, 2], [2, 2, 2, 2]]},  # [x, y, w, h] per frame
                }
            ],
        ),
    )

    t = RELEASE / "audio" / "comprehension" / "AccentClassification"
    for name, step in (("s1.wav", 7), ("s2.wav", 11)):
        write(t / "audios" / name, wav(step))
    write(
        t / "annotation.json",
        annotation(
            "AccentClassification",
            "classification",
            [
                {
                    "id": 0,
                    "input": {"audio_file": "s1.wav", "prompt": "Which accent?"},
                    "output": {"text": "American"},
                },
                {
                    "id": 1,
                    "input": {"audio_file": "s2.wav", "prompt": "Which accent?"},
                    "output": {"text": "Scottish"},
                },
            ],
        ),
    )

    t = RELEASE / "audio" / "generation" / "TextToSpeech"
    write(t / "audios" / "gt_0.wav", wav(5))
    write(
        t / "annotation.json",
        annotation(
            "TextToSpeech",
            "tts",
            [{"id": 0, "input": {"text": "good morning"}, "output": {"audio_file": "audios/gt_0.wav"}}],
        ),
    )

    t = RELEASE / "3D" / "comprehension" / "3D Accessory Classification"
    write(t / "pcd" / "ring.ply", PLY)
    write(t / "pcd" / "hat.ply", PLY.replace(b"1 0 0", b"2 0 0"))
    write(
        t / "annotation.json",
        annotation(
            "3D Accessory Classification",
            "classification",
            [
                {
                    "id": "a1",
                    "input": {"pc_file": "pcd/ring.ply", "prompt": "Name the object."},
                    "output": {"label": "ring"},
                },
                {
                    "id": "a2",
                    "input": {"pc_file": "pcd/hat.ply", "prompt": "Name the object."},
                    "output": {"label": "hat"},
                },
            ],
        ),
    )

    t = RELEASE / "3d" / "Generation" / "Text to 3D Living and Arts Mesh Generation"
    write(t / "mesh" / "vase.obj", OBJ)
    write(
        t / "annotation.json",
        annotation(
            "Text to 3D Living and Arts Mesh Generation",
            "text-to-3d",
            [{"id": "m1", "input": {"prompt": "a blue vase"}, "output": {"mesh": "mesh/vase.obj"}}],
        ),
    )

    nlp = RELEASE / "nlp"
    write(
        nlp / "Commonsense Reasoning" / "annotation.json",
        annotation(
            "Commonsense Reasoning",
            "MultipleChoiceQA",
            [
                {
                    "id": 1,
                    "input": {"question": "Where do fish live?", "options": ["water", "trees"]},
                    "output": {"answer": "water"},
                },
                {
                    "id": 2,
                    "input": {"question": "What melts ice?", "options": ["heat", "cold"]},
                    "output": {"answer": "heat"},
                },
            ],
        ),
    )
    write(
        nlp / "Multi-Hop Question Answering" / "annotation.json",
        annotation(
            "Multi-Hop Question Answering",
            "OpenQA",
            [
                {
                    "id": "q1",
                    "input": {"question": "Who wrote the novel that the film Jaws is based on?"},
                    "output": {"answer": "Peter Benchley wrote it"},
                },
            ],
        ),
    )
    write(
        nlp / "Time Series" / "annotation.json",
        annotation(
            "Time Series",
            "Time Series",
            [
                {"id": "ts1", "input": {"time_series": [1, 2, 3]}, "output": {"target": 4.0}},
                {"id": "ts2", "input": {"time_series": [2, 4, 6]}, "output": {"target": 8.0}},
            ],
        ),
    )


def reference_sheet() -> None:
    rows = {
        "NLP": [
            (1, "Commonsense Reasoning", "Common Reason", "ACC", 83.33),
            (6, "Multi-Hop Question Answering", "Multi-Hop QA", "BLEU-1", 13.80),
            (61, "Time Series", "Time Series", "MAE", 2.31),
            (99, "Text to SQL", "Text2SQL", "ACC", 70.0),
        ],
        "Image-Comprehension": [
            (64, "Fruit Disease Recognition", "Fruit Disease Recog", "Acc", 40.52),
            (81, "Road Crack Detection", "Road Crack Det", "mIoU", 21.0),
            (117, "Plant Disease Detection", "Plant Disease Detection", "AP50", 22.3),
        ],
        "Image-Generation": [
            (2, "Image Deraining", "Image Deraining", "PSNR", 34.56),
            (16, "Edge-to-Image Generation", "Edge-to-Image Gen", "FID", 18.7),
        ],
        "Video-Comprehension": [
            (10, "Sports Video Question Answering", "Sports Video QA", "BLEU-1", 25.2),
            (60, "Ball Tracking", "Ball Tracking", "AUC", 66.6),
        ],
        "Video-Generation": [
            (1, "Subject-Consistency Text to Video Generation", "Subject-Consistency T2V", "DINOScore", 96.88)
        ],
        "Audio-Comprehension": [(1, "Accent Classification", "Accent Recog", "ACC", 75.2)],
        "Audio-Generation": [(5, "TextToSpeech", "TTS", "WER", 5.6)],
        "3D-Comprehension": [(1, "3D Accessory Classification", "3D-Access Cls", "Acc", 91.18)],
        "3D-Generation": [
            (8, "Text to 3D Living and Arts Mesh Generation", "T2M LA Gen", "CLIP score", 26.42)
        ],
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, sheet_rows in rows.items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(["No", "Task Name", "Task Short Name", "Metrics", "SoTA Performance"])
        for row in sheet_rows:
            worksheet.append(list(row))
    workbook.save(HERE / "sota_result.xlsx")


def predictions() -> None:
    p = PREDICTIONS
    write(
        p / "Image" / "comprehension" / "Fruit Disease Recognition" / "prediction.json",
        [
            {"id": "fruit_1", "prediction": "Apple Scab"},
            {"id": "fruit_2", "prediction": "healthy"},
            {"id": "fruit_3", "prediction": "healthy"},
        ],
    )
    t = p / "image" / "Generation" / "Image Deraining"
    write(t / "out" / "1.png", png((90, 90, 120), noise=10))
    write(t / "out" / "2.png", png((140, 100, 60)))
    write(
        t / "prediction.json", [{"id": 1, "prediction": "out/1.png"}, {"id": "2", "prediction": "out/2.png"}]
    )
    write(
        p / "image" / "comprehension" / "Road Crack Detection" / "prediction.json",
        [{"id": "r1", "prediction": [[0, 0, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]]}],
    )
    write(
        p / "Video" / "Comprehension" / "Sports Video Question Answering" / "prediction.json",
        {
            "task": "Sports Video Question Answering",
            "skill": "video QA",
            "type": "comprehension",
            "data": [
                {"id": "v1", "prediction": "they are playing basketball"},
                {"id": "v2", "prediction": "the red team wins"},
            ],
        },
    )
    write(
        p / "Video" / "Comprehension" / "Ball Tracking" / "prediction.json",
        [{"id": "clip1", "prediction": [[1, 1, 2, 2], [3, 3, 2, 2]]}],  # IoU 1, then 1/7
    )
    write(
        p / "audio" / "comprehension" / "AccentClassification" / "prediction.json",
        [
            {"id": 0, "prediction": "american"},
            {"id": 1, "prediction": "irish"},
        ],
    )
    write(
        p / "3D" / "comprehension" / "3D Accessory Classification" / "prediction.json",
        [
            {"id": "a1", "prediction": "ring"},
            {"id": "a2", "prediction": "hat"},
        ],
    )
    write(
        p / "nlp" / "Commonsense Reasoning" / "prediction.json",
        [
            {"id": 1, "prediction": "water"},
            {"id": 2, "prediction": "cold"},
        ],
    )
    write(
        p / "nlp" / "Multi-Hop Question Answering" / "prediction.json",
        [
            {"id": "q1", "prediction": "Peter Benchley wrote it"},
        ],
    )
    write(
        p / "nlp" / "Time Series" / "prediction.json",
        [
            {"id": "ts1", "prediction": 4.5},
            {"id": "ts2", "prediction": "7.5"},
        ],
    )


if __name__ == "__main__":
    for folder in (RELEASE, PREDICTIONS):
        shutil.rmtree(folder, ignore_errors=True)
    release()
    predictions()
    reference_sheet()
    print(f"wrote {HERE}")
