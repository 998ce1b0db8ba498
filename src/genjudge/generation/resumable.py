"""Making a list of outputs that survives being killed: skip what is done, write each output whole.

Generating a benchmark's outputs takes hours, and machines get pre-empted. So the runner treats
the output folder as the state of the run:

* **Resume.** An item whose output file exists is done (outputs only appear whole, see below), so
  a re-run makes only the missing ones. Temp files a killed run left behind are removed first.
* **Atomic writes.** Each output is written to a temp file in its folder, fsynced and renamed over
  its path (:func:`genjudge.safe_io.durable.atomic_write_bytes`), so a kill -9 leaves either no file or a
  whole one, never a truncated image that a reader would take for an output.
* **Per-item failures.** An item the model could not make (:class:`~genjudge.generation.protocol.Failed`,
  an exception from one batch, or no answer within the deadline) is appended to a failure log
  beside the outputs as it happens; the run goes on and the report counts it. The next run tries it
  again. A :class:`~genjudge.generation.protocol.GenerationError` (the setup is wrong) stops the run,
  and so do ``give_up_after`` failures before a single success: a model that fails every item
  should say why once, not hundreds of times.
* **Deadline.** Each batch runs in a worker thread and gets ``item_deadline`` seconds per item; a
  batch that hangs is recorded as failed and abandoned (Python cannot stop a thread), and the run
  goes on. A second hung call while one is still stuck stops the run: the device is wedged.
* **Overlap.** While one batch is being generated, the previous batch is encoded and written, so
  disk I/O hides behind generation instead of adding to it.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from tqdm.auto import tqdm

from genjudge.generation.protocol import Failed, GenerationError, ItemFailure
from genjudge.safe_io.durable import append_jsonl, atomic_write_bytes

Req = TypeVar("Req")  # what the producer is asked for (a prompt and seed)
Out = TypeVar("Out")  # what it makes (an image), before encoding

FAILURES_NAME = ".genjudge-failures.jsonl"
_TEMP = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{12}\.tmp$")


@dataclass(frozen=True)
class WorkItem(Generic[Req]):
    """One output to make: its name in reports, where it goes, and what the producer needs."""

    key: str
    path: Path
    request: Req


@dataclass(frozen=True)
class RunReport:
    """What a run did: items done before it, made by it, and the ones it could not make."""

    total: int
    already_done: int
    made: int
    failures: tuple[ItemFailure, ...] = field(default=())

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def complete(self) -> bool:
        return self.already_done + self.made == self.total

    def summary(self) -> str:
        text = f"{self.made} made, {self.already_done} already there, {self.failed} failed of {self.total}"
        if self.failures:
            shown = "; ".join(f"{f.key}: {f.reason}" for f in self.failures[:3])
            text += f" ({shown}{' …' if self.failed > 3 else ''}); run again to retry the failed ones"
        return text


def is_done(path: Path) -> bool:
    """An output exists whole: atomic writes mean any non-empty file at the path is complete."""
    return path.is_file() and path.stat().st_size > 0


def remove_stale_temps(items: Sequence[WorkItem[Req]]) -> int:
    """Delete the temp files a killed run left for these items' outputs; returns how many."""
    names_by_folder: dict[Path, set[str]] = {}
    for item in items:
        names_by_folder.setdefault(item.path.parent, set()).add(item.path.name)
    removed = 0
    for folder, names in names_by_folder.items():
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _TEMP.match(entry.name)
            if match and match["name"] in names and entry.is_file():
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed += 1
    return removed


class _Call(Generic[Out]):
    """One producer call on a daemon thread, so a hung call can be abandoned (and cannot block exit)."""

    def __init__(self, fn: Callable[[], Sequence[Out | Failed]]) -> None:
        self.started = time.monotonic()
        self.result: Sequence[Out | Failed] | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()

        def run() -> None:
            try:
                self.result = fn()
            except BaseException as exc:  # handed to the main thread, which decides
                self.error = exc
            finally:
                self._done.set()

        threading.Thread(target=run, name="genjudge-generate", daemon=True).start()

    def wait(self, budget: float | None) -> bool:
        """Whether the call finished within ``budget`` seconds of its start (None: no limit)."""
        if budget is None:
            return self._done.wait()
        return self._done.wait(max(0.0, self.started + budget - time.monotonic()))

    @property
    def running(self) -> bool:
        return not self._done.is_set()


def run_items(
    items: Sequence[WorkItem[Req]],
    produce: Callable[[list[Req]], Sequence[Out | Failed]],
    encode: Callable[[Out], bytes],
    *,
    batch_size: int = 1,
    item_deadline: float | None = None,
    failures_log: Path | None = None,
    give_up_after: int | None = 16,
    progress: bool = True,
    desc: str = "generating",
) -> RunReport:
    """Make every item whose output is missing, ``batch_size`` at a time (module docstring).

    ``produce`` returns one output or :class:`Failed` per request, in order; ``encode`` turns an
    output into the bytes written at the item's path. ``failures_log`` (JSONL, restarted each run)
    receives every failure as it happens.
    """
    _check(items, batch_size, item_deadline, give_up_after)
    remove_stale_temps(items)
    if failures_log is not None:
        failures_log.unlink(missing_ok=True)
    pending = [item for item in items if not is_done(item.path)]
    already_done = len(items) - len(pending)
    batches = [pending[start : start + batch_size] for start in range(0, len(pending), batch_size)]
    failures: list[ItemFailure] = []
    made = 0
    hung: list[_Call[Out]] = []

    def record(batch_failures: list[ItemFailure]) -> None:
        failures.extend(batch_failures)
        if failures_log is not None and batch_failures:
            append_jsonl(failures_log, [{"key": f.key, "reason": f.reason} for f in batch_failures])
        if give_up_after is not None and made == 0 and len(failures) >= give_up_after:
            raise GenerationError(
                f"the first {len(failures)} items all failed, so the run stopped; the last one, "
                f"{failures[-1].key}: {failures[-1].reason}"
            )

    def start(batch: list[WorkItem[Req]]) -> _Call[Out]:
        return _Call(lambda: produce([item.request for item in batch]))

    with tqdm(total=len(pending), desc=desc, unit="item", disable=not progress) as bar:
        if already_done:
            bar.set_postfix(already_done=already_done, refresh=False)
        call = start(batches[0]) if batches else None
        for number, batch in enumerate(batches):
            assert call is not None
            budget = None if item_deadline is None else item_deadline * len(batch)
            finished = call.wait(budget)
            current = call
            if finished and current.error is not None and _is_fatal(current.error):
                raise current.error
            if not finished:
                hung = [stuck for stuck in hung if stuck.running]
                if hung:
                    raise GenerationError(
                        f"two generations ran past their deadline ({item_deadline:g} s per item) and are "
                        "still running, so the device looks stuck; check it, or raise the per-item deadline"
                    )
                hung.append(current)
            call = start(batches[number + 1]) if number + 1 < len(batches) else None
            if not finished:
                reason = f"no output within {budget:g} s (per-item deadline {item_deadline:g} s); abandoned"
                record([ItemFailure(item.key, reason) for item in batch])
            elif current.error is not None:
                reason = f"{type(current.error).__name__}: {current.error}"
                record([ItemFailure(item.key, reason) for item in batch])
            else:
                outputs = list(current.result or ())
                if len(outputs) != len(batch):
                    raise GenerationError(
                        f"the generator returned {len(outputs)} outputs for a batch of {len(batch)}; "
                        "a generator must return one per request"
                    )
                batch_failures = []
                for item, output in zip(batch, outputs, strict=True):
                    if isinstance(output, Failed):
                        batch_failures.append(ItemFailure(item.key, output.reason))
                    else:
                        atomic_write_bytes(item.path, encode(output))
                        made += 1
                record(batch_failures)
            bar.update(len(batch))
            bar.set_postfix(already_done=already_done, failed=len(failures), refresh=False)
    return RunReport(len(items), already_done, made, tuple(failures))


def _is_fatal(error: BaseException) -> bool:
    """A setup fault (or an interrupt) stops the run; any other exception fails only its batch."""
    return isinstance(error, GenerationError) or not isinstance(error, Exception)


def _check(
    items: Sequence[WorkItem[Req]], batch_size: int, item_deadline: float | None, give_up_after: int | None
) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if item_deadline is not None and not item_deadline > 0:
        raise ValueError(f"the per-item deadline must be a positive number of seconds, not {item_deadline}")
    if give_up_after is not None and give_up_after < 1:
        raise ValueError(f"give_up_after must be at least 1 (or None), not {give_up_after}")
    for what, values in (("key", [i.key for i in items]), ("output path", [i.path for i in items])):
        seen: set[object] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"two items share the {what} {value}")
            seen.add(value)
