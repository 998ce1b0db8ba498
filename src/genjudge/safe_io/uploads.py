"""Untrusted submissions, checked at the edge before a single byte reaches the leaderboard store.

What every benchmark's upload goes through lives here; what a benchmark's files must contain is
its plug-in's business (OpenING's output records: :mod:`genjudge.benchmarks.opening.submission`).
Everything in an upload comes from a stranger, so this module checks:

* the archive itself: size, member count, total and per-member uncompressed size, compression
  ratio (zip bombs), both as declared in the central directory and as actually read while
  streaming (a forged header cannot lie its way past the limits);
* member names: absolute paths, ``..``, drive letters, backslashes, NUL bytes (which ``zipfile``
  itself silently cuts off), symlinks, odd characters, names and paths longer than a file system
  allows, and a name used both for a file and for a folder;
* the source itself: it must exist and be a regular file or a folder (a device or FIFO would
  be read forever);
* images: through :mod:`genjudge.safe_io.media` under ``SubmissionLimits.media`` (pixel limit
  against decompression bombs, JPEG, PNG or WebP only), so a text file named ``.jpg`` is refused;
* the model name: non-empty, a safe character set, not already on the board.

Every refusal is a :class:`SubmissionError` whose message names the file and the field, so the
Space can show it to the person who uploaded the file as is. Nothing submitted is ever executed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from genjudge.safe_io.media import MediaLimits, MediaProblem, WrongFormat, read_image
from genjudge.safe_io.path_limits import PathLimits, path_problem

JSON_SUFFIXES = (".json", ".jsonl")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})
UPLOAD_MEDIA_LIMITS = MediaLimits(max_pixels=4096 * 4096, max_bytes=32 * 1024**2, formats=IMAGE_FORMATS)
"""What an uploaded image may be: tighter than a release's images, and only the web formats."""
# Archive clutter that desktop zip tools add; skipped, never extracted.
JUNK_PARTS = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db"})
MODEL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+\-]*$")
SAFE_PART_RE = re.compile(r"^[A-Za-z0-9._+\- ]+$")
CONTROL_CHARACTERS_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""What free text may not hold: C0 controls but tab and newline (ESC starts a terminal escape), DEL,
C1 controls, and the bidi marks and overrides that make text read in another order than stored."""
_CHUNK = 1 << 16


class SubmissionError(ValueError):
    """A submission was refused. ``str(error)`` is a message meant for the submitter."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None) -> None:
        self.file = file
        self.field = field
        where = ", ".join(
            part for part in (f"file {file!r}" if file else "", f"field {field!r}" if field else "") if part
        )
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)

    def without_path(self, folder: Path) -> SubmissionError:
        """The same refusal with every mention of ``folder`` (a server temp folder) taken out."""
        prefixes = (f"{folder}{os.sep}", str(folder))

        def scrub(text: str | None) -> str | None:
            if text is None:
                return None
            for prefix in prefixes:
                text = text.replace(prefix, "")
            return text

        return SubmissionError(scrub(self.reason) or "", file=scrub(self.file), field=self.field)


@dataclass(frozen=True)
class SubmissionLimits:
    """Bounds on what one submission may contain. The defaults fit the full OpenING test split
    (2,160 instances, a few images each) with room to spare, and nothing much larger."""

    max_archive_bytes: int = 512 * 1024**2
    max_files: int = 30_000
    max_total_bytes: int = 2 * 1024**3
    max_member_bytes: int = 32 * 1024**2
    max_ratio: float = 100.0
    # Small members compress very well legitimately (a JSON of repeated whitespace); the ratio
    # check starts above this size, where a bomb would matter.
    ratio_floor_bytes: int = 1024**2
    max_text_chars: int = 20_000
    max_steps: int = 64
    media: MediaLimits = UPLOAD_MEDIA_LIMITS
    max_model_name_chars: int = 64
    max_link_chars: int = 500
    max_description_chars: int = 2_000
    max_name_bytes: int = 255
    max_path_bytes: int = 1024
    max_path_depth: int = 16

    @property
    def paths(self) -> PathLimits:
        return PathLimits(self.max_name_bytes, self.max_path_bytes, self.max_path_depth)


def check_source(source: Path) -> bool:
    """Refuse a source that does not exist or is neither a regular file nor a folder; return
    whether it is a folder. Only the source's own name is shown: on a server it sits in a temp
    folder whose path is none of the submitter's business."""
    try:
        mode = os.stat(source).st_mode
    except FileNotFoundError:
        raise SubmissionError("does not exist", file=source.name) from None
    except OSError as exc:
        raise SubmissionError(f"cannot be read ({exc.strerror})", file=source.name) from None
    if stat.S_ISDIR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise SubmissionError(
            "is not a regular file or a folder (devices, FIFOs and sockets cannot be submitted)",
            file=source.name,
        )
    return False


def _regular_files(folder: Path) -> list[Path]:
    """Regular files under ``folder`` (symlinks and special files are not content; the copy refuses them)."""
    return sorted(p for p in folder.rglob("*") if not p.is_symlink() and p.is_file())


def _hash_file(path: Path, update: Callable[[bytes], object], display: str) -> None:
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                update(chunk)
    except OSError as exc:
        raise SubmissionError(
            f"cannot be read ({exc.strerror or type(exc).__name__})", file=display
        ) from None


def submission_id_of(source: Path) -> str:
    """The content hash that names a submission, so that the same upload is recognised again.

    For a zip it is the sha256 of its bytes; for a folder, of its sorted relative paths and contents.
    Raises :class:`SubmissionError` when the source is missing or not a file or folder.
    """
    source = Path(source)
    digest = hashlib.sha256()
    if check_source(source):
        for path in _regular_files(source):
            rel = path.relative_to(source).as_posix()
            digest.update(len(rel.encode()).to_bytes(8, "big") + rel.encode())
            digest.update(path.stat().st_size.to_bytes(8, "big"))
            _hash_file(path, digest.update, rel)
    else:
        _hash_file(source, digest.update, source.name)
    return digest.hexdigest()[:20]


def check_model_name(name: str, taken: Collection[str] = (), limits: SubmissionLimits | None = None) -> str:
    """Return the stripped model name, or refuse it (empty, too long, odd characters, taken)."""
    limits = limits or SubmissionLimits()
    name = (name or "").strip()
    if not name:
        raise SubmissionError("the model name is empty", field="model_name")
    if len(name) > limits.max_model_name_chars:
        raise SubmissionError(
            f"the model name is {len(name)} characters long (at most {limits.max_model_name_chars})",
            field="model_name",
        )
    if not MODEL_NAME_RE.match(name):
        raise SubmissionError(
            f"the model name {name!r} may only use letters, digits and . _ + - "
            "(and must start with a letter or digit)",
            field="model_name",
        )
    lowered = {t.lower() for t in taken}
    if name.lower() in lowered:
        raise SubmissionError(f"a model named {name!r} is already on the board", field="model_name")
    return name


def check_short_text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise SubmissionError(f"is {len(value)} characters long (at most {limit})", field=field)
    if CONTROL_CHARACTERS_RE.search(value):
        raise SubmissionError("contains control characters", field=field)
    return value


def check_link(link: str, limits: SubmissionLimits) -> str:
    link = check_short_text(link, "model_link", limits.max_link_chars)
    if link and not re.match(r"^https?://[^\s<>\"']+$", link):
        raise SubmissionError(f"{link!r} is not an http(s) URL", field="model_link")
    return link


# --------------------------------------------------------------------------------------------
# Archive handling


def _safe_member_path(name: str, limits: SubmissionLimits) -> PurePosixPath | None:
    """The member's path if it is safe to extract; ``None`` for archive clutter to skip."""
    if "\\" in name:
        raise SubmissionError("backslashes are not allowed in archive paths", file=name)
    if "\x00" in name:
        raise SubmissionError("NUL characters are not allowed in archive paths", file=name)
    if name.startswith("/"):
        raise SubmissionError("absolute paths are not allowed in the archive", file=name)
    if re.match(r"^[A-Za-z]:", name):
        raise SubmissionError("drive letters are not allowed in archive paths", file=name)
    path = PurePosixPath(name)
    parts = [part for part in path.parts if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise SubmissionError("'..' is not allowed in archive paths", file=name)
    if any(part in JUNK_PARTS or part.startswith("._") for part in parts):
        return None
    problem = path_problem(parts, limits.paths)
    if problem:
        raise SubmissionError(problem, file=_shortened(name))
    for part in parts:
        if not SAFE_PART_RE.match(part) or part.strip() != part:
            raise SubmissionError("archive paths may only use letters, digits, spaces and . _ + -", file=name)
    return PurePosixPath(*parts) if parts else None


def _shortened(name: str, keep: int = 120) -> str:
    """A member name as it can be shown in a message (a 4 KB name would drown the reason)."""
    return name if len(name) <= keep else f"{name[: keep // 2]}...{name[-keep // 2 :]}"


def _check_file_folder_clashes(plan: Sequence[tuple[str, PurePosixPath]]) -> None:
    """Refuse a name used for a file and, elsewhere in the archive, as a folder (in either order):
    extraction would fail half way with an OS error, or one member would silently replace another."""
    files = {rel.as_posix().lower(): original for original, rel in plan}
    for original, rel in plan:
        for parent in rel.parents:
            key = parent.as_posix().lower()
            if key in files:
                raise SubmissionError(
                    f"is both a file and a folder in the archive (see {_shortened(original)!r})",
                    file=files[key],
                )


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _check_suffix(rel: PurePosixPath, original: str) -> None:
    suffix = rel.suffix.lower()
    if suffix not in JSON_SUFFIXES + IMAGE_SUFFIXES:
        raise SubmissionError(
            f"only {', '.join(JSON_SUFFIXES + IMAGE_SUFFIXES)} files may be submitted", file=original
        )


def extract_zip(archive: Path, dest: Path, limits: SubmissionLimits | None = None) -> list[PurePosixPath]:
    """Extract a submission zip into ``dest`` under the limits; return the extracted relative paths.

    The central directory is checked in full before anything is written, then each member is
    streamed with the same limits enforced on the bytes actually produced.
    """
    limits = limits or SubmissionLimits()
    size = archive.stat().st_size
    if size > limits.max_archive_bytes:
        raise SubmissionError(
            f"the archive is {size:,} bytes (at most {limits.max_archive_bytes:,})", file=archive.name
        )
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"not a readable zip archive ({exc})", file=archive.name) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_files:
            raise SubmissionError(
                f"the archive holds {len(infos):,} entries (at most {limits.max_files:,})", file=archive.name
            )
        plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        seen: dict[str, str] = {}
        declared_total = 0
        for info in infos:
            if "\x00" in info.orig_filename:
                # zipfile cuts the name at the NUL, so 'a.json\0.sh' would read as 'a.json'.
                raise SubmissionError(
                    "NUL characters are not allowed in archive paths", file=info.orig_filename
                )
            if _is_symlink(info):
                raise SubmissionError("symbolic links are not allowed in the archive", file=info.filename)
            rel = _safe_member_path(info.filename, limits)
            if rel is None or info.is_dir():
                continue
            _check_suffix(rel, info.filename)
            if info.flag_bits & 0x1:
                raise SubmissionError("encrypted archive members are not supported", file=info.filename)
            key = rel.as_posix().lower()
            if key in seen:
                raise SubmissionError(
                    f"appears twice in the archive (also as {seen[key]!r})", file=info.filename
                )
            seen[key] = info.filename
            _check_member_sizes(info.filename, info.file_size, info.compress_size, limits)
            declared_total += info.file_size
            if declared_total > limits.max_total_bytes:
                raise SubmissionError(
                    f"the archive expands to more than {limits.max_total_bytes:,} bytes", file=archive.name
                )
            plan.append((info, rel))
        _check_file_folder_clashes([(info.filename, rel) for info, rel in plan])

        written: list[PurePosixPath] = []
        actual_total = 0
        for info, rel in plan:
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            produced = 0
            try:
                with zf.open(info) as src, target.open("xb") as out:
                    while chunk := src.read(_CHUNK):
                        produced += len(chunk)
                        actual_total += len(chunk)
                        if produced > info.file_size:
                            raise SubmissionError(
                                "expands beyond the size its header declares (a forged zip entry)",
                                file=info.filename,
                            )
                        _check_member_sizes(info.filename, produced, info.compress_size, limits)
                        if actual_total > limits.max_total_bytes:
                            raise SubmissionError(
                                f"the archive expands to more than {limits.max_total_bytes:,} bytes",
                                file=archive.name,
                            )
                        out.write(chunk)
            except OSError as exc:  # the message of an OSError holds our temp path: show only its reason
                reason = exc.strerror or type(exc).__name__
                raise SubmissionError(f"cannot be extracted ({reason})", file=info.filename) from None
            except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
                raise SubmissionError(f"cannot be read from the archive ({exc})", file=info.filename) from exc
            written.append(rel)
        return written


def _check_member_sizes(name: str, size: int, compressed: int, limits: SubmissionLimits) -> None:
    if size > limits.max_member_bytes:
        raise SubmissionError(f"is larger than {limits.max_member_bytes:,} bytes uncompressed", file=name)
    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(compressed, 1):
        raise SubmissionError(
            f"compresses more than {limits.max_ratio:g}:1 (a zip bomb?); refusing to extract it", file=name
        )


def copy_folder(source: Path, dest: Path, limits: SubmissionLimits | None = None) -> list[PurePosixPath]:
    """Copy a submission folder into ``dest`` under the same rules as a zip (no symlinks, safe names)."""
    limits = limits or SubmissionLimits()
    written: list[PurePosixPath] = []
    total = 0
    entries = sorted(source.rglob("*"))
    if len(entries) > limits.max_files:
        raise SubmissionError(f"the folder holds more than {limits.max_files:,} entries", file=source.name)
    for path in entries:
        original = path.relative_to(source).as_posix()
        if path.is_symlink():
            raise SubmissionError("symbolic links are not allowed in a submission", file=original)
        rel = _safe_member_path(original, limits)
        if rel is None or path.is_dir():
            continue
        if not path.is_file():
            raise SubmissionError("only regular files may be submitted", file=original)
        _check_suffix(rel, original)
        size = path.stat().st_size
        _check_member_sizes(original, size, size, limits)
        total += size
        if total > limits.max_total_bytes:
            raise SubmissionError(
                f"the folder holds more than {limits.max_total_bytes:,} bytes", file=source.name
            )
        target = dest.joinpath(*rel.parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        except OSError as exc:
            raise SubmissionError(
                f"cannot be copied ({exc.strerror or type(exc).__name__})", file=original
            ) from None
        written.append(rel)
    return written


# --------------------------------------------------------------------------------------------
# Contents


def check_image(path: Path, display: str, limits: SubmissionLimits) -> bytes:
    """Decode an uploaded image under ``limits.media`` and return its bytes as stored; refused with
    a message that names it as ``display`` (its path inside the upload)."""
    try:
        return read_image(path, limits.media)
    except WrongFormat as problem:
        raise SubmissionError(f"is a {problem.found} image; use JPEG, PNG or WebP", file=display) from None
    except MediaProblem as problem:
        raise SubmissionError(f"is {problem}", file=display) from None
