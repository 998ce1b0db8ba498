"""Build benchmark for `genjudge data build opening`.

    python perf/build_opening.py [--instances 5000] [--repeat 3]

Generates an OpenING-format release in a temporary folder (``--instances`` test instances over the
56 official subtasks, two or three small JPEGs each), then measures in the same run:

* build time of ``genjudge.benchmarks.opening.repo.build_repo`` (JSON parsing, path checks, a full
  Pillow decode of every image, Parquet shards, card) against the baseline of copying the same
  image files one by one with ``shutil.copy2`` -- the least any build must do;
* peak resident memory of a build in a fresh subprocess at N and 2N instances, to show that rows
  are streamed (memory flat) rather than collected.

Times are the best of ``--repeat`` runs, each on a warm page cache.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from genjudge.benchmarks.opening import subtasks
from genjudge.benchmarks.opening.repo import build_repo

MEMORY_PROBE = """
import resource, sys, tracemalloc
import pyarrow as pa
from genjudge.benchmarks.opening.repo import build_repo
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tracemalloc.start()
build_repo(sys.argv[1], sys.argv[2], overwrite=True, progress=False)
python_peak = tracemalloc.get_traced_memory()[1]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(before, after, python_peak, pa.default_memory_pool().max_memory())
"""


def jpeg_pool(count: int = 64, size: int = 96) -> list[bytes]:
    """A few distinct small JPEGs; files reuse them (content does not change the work done)."""
    pool = []
    for index in range(count):
        img = Image.new("RGB", (size, size), ((index * 37) % 256, (index * 91) % 256, (index * 53) % 256))
        draw = ImageDraw.Draw(img)
        draw.ellipse((10 + index % 20, 10, 70, 70 + index % 20), fill=(255 - index * 3 % 256, 200, 40))
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=80)
        pool.append(buffer.getvalue())
    return pool


def generate_release(root: Path, instances: int) -> list[Path]:
    """Write ``instances`` test instances in the official layout; return the image files."""
    bench = root / "OpenING-benchmark"
    pool = jpeg_pool()
    tasks = subtasks()
    images: list[Path] = []
    with (bench.mkdir(parents=True) or bench / "test_data.jsonl").open("w", encoding="utf-8") as out:
        for index in range(instances):
            task = tasks[index % len(tasks)]
            data_id = str(index // len(tasks) + 1)
            folder = bench / "images" / task.subtask_name
            folder.mkdir(parents=True, exist_ok=True)
            sides = []
            for side, letter, count in (("input", "i", 1), ("output", "o", 1 + index % 3)):
                steps = []
                for k in range(1, count + 1):
                    name = f"{data_id}-{letter}-{k}.jpg"
                    (folder / name).write_bytes(pool[(index + k) % len(pool)])
                    images.append(folder / name)
                    steps.append(
                        {"image": f"./images/{task.subtask_name}/{name}", "text": f"step {k} <image>"}
                    )
                if side == "input":
                    steps.append({"image": None, "text": "<BEGIN> Continue with text and images."})
                sides.append({side: steps})
            row = {
                "total_uid": f"{int(task.meta_task_id):02d}{int(task.subtask_id):02d}{int(data_id):03d}",
                "meta_task_id": task.meta_task_id,
                "meta_task_name": task.meta_task_name,
                "subtask_id": task.subtask_id,
                "subtask_name": task.subtask_name,
                "data_id": data_id,
                "conversations": sides,
            }
            out.write(json.dumps(row) + "\n")
    return images


def time_copy(images: list[Path], target: Path) -> float:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    start = time.perf_counter()
    for index, path in enumerate(images):
        shutil.copy2(path, target / f"{index}.jpg")
    return time.perf_counter() - start


def time_build(source: Path, out: Path) -> float:
    start = time.perf_counter()
    build_repo(source, out, overwrite=True, progress=False)
    return time.perf_counter() - start


def peak_memory_mib(source: Path, out: Path) -> list[float]:
    """Build in a fresh process; return in MiB: peak RSS after imports, peak RSS after the build,
    peak of Python allocations during the build (tracemalloc) and peak Arrow pool allocation."""
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(source), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(value) / 2**20 for value in result.stdout.split()]


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opening-bench-") as tmp:
        root = Path(tmp)
        source = root / "source"
        images = generate_release(source, args.instances)
        image_mb = sum(p.stat().st_size for p in images) / 1e6
        print(f"source: {args.instances} instances, {len(images)} images ({image_mb:.1f} MB)")
        copies, builds = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            copies.append(time_copy(images, root / "copy"))
            builds.append(time_build(source, root / "repo"))
        copy_s, build_s = min(copies), min(builds)
        print(f"copy (shutil.copy2 each image), best of {args.repeat}: {copy_s:.2f} s (all: {_fmt(copies)})")
        print(f"genjudge build, best of {args.repeat}: {build_s:.2f} s (all: {_fmt(builds)})")
        print(f"ratio build / copy: {build_s / copy_s:.2f}x (goal <= 2x)")

        double = root / "source-2n"
        generate_release(double, 2 * args.instances)
        for label, folder in ((f"N={args.instances}", source), (f"2N={2 * args.instances}", double)):
            imports, peak, python_peak, arrow_peak = peak_memory_mib(folder, root / "mem")
            print(
                f"memory at {label}: peak RSS {peak:.0f} MiB (after imports {imports:.0f}); "
                f"build's peak Python allocations {python_peak:.1f} MiB, peak Arrow pool {arrow_peak:.1f} MiB"
            )


if __name__ == "__main__":
    main()
