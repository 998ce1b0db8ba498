"""Build benchmark for `genjudge data build opening`.

    python perf/build_opening.py [--instances 5000] [--repeat 3]

Generates an OpenING-format release in a temporary folder (``--instances`` test instances over the
56 official subtasks, two or three small JPEGs each), then measures in the same run:

* build time of ``genjudge.benchmarks.opening.repo.build_repo`` (JSON parsing, path checks, a full
  Pillow decode of every image, Parquet shards, card) against the baseline of copying the same
  image files one by one with ``shutil.copy2`` -- the least any build must do;
* peak resident memory of a build in a fresh subprocess at N and 2N instances, to show that rows
  are streamed (memory flat) rather than collected.

Copy and build take turns (ABAB…) ``--repeat`` times, each on a warm page cache; the median and
range of wall and CPU time (``time.process_time``: user + system of this process, all threads)
are reported, and the ratio is taken within each round. On a shared machine the CPU ratio is
the one the other jobs' load distorts least; the load average is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
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


def time_copy(images: list[Path], target: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of copying every image file into a fresh folder."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    cpu, start = time.process_time(), time.perf_counter()
    for index, path in enumerate(images):
        shutil.copy2(path, target / f"{index}.jpg")
    return time.perf_counter() - start, time.process_time() - cpu


def time_build(source: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one build."""
    cpu, start = time.process_time(), time.perf_counter()
    build_repo(source, out, overwrite=True, progress=False)
    return time.perf_counter() - start, time.process_time() - cpu


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


def _spread(values: list[float], unit: str = " s") -> str:
    return f"{statistics.median(values):.2f}{unit} (range {min(values):.2f}-{max(values):.2f})"


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
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        copies, builds = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            copies.append(time_copy(images, root / "copy"))
            builds.append(time_build(source, root / "repo"))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print(f"median (range) over {args.repeat} interleaved rounds; ratio build / copy within a round:")
        for index, measure in ((1, "CPU"), (0, "wall")):
            copy_s = [copy[index] for copy in copies]
            build_s = [build[index] for build in builds]
            ratios = [b / c for b, c in zip(build_s, copy_s, strict=True)]
            print(
                f"  {measure:<4} copy (shutil.copy2 each image) {_spread(copy_s)}; genjudge build "
                f"{_spread(build_s)}; ratio {_spread(ratios, 'x')} (goal <= 2x)"
            )

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
