"""Finding the media files a General-Bench record refers to.

Records name their media in many ways: ``input.audio_file`` relative to an ``audios/`` folder,
``input.video_folder`` naming a folder of frames, a bare file name under ``video/``, a path from the
authors' machine, an image inside ``output`` for generation tasks. Rather than a rule per task, the
task folder is indexed once and every string in a record's ``input`` / ``output`` is looked up in
it: first as a path relative to the task folder, then by its trailing path components (so
``audios/x.wav``, ``x.wav`` and ``/mnt/data/audios/x.wav`` all find ``<Task>/audios/x.wav``, as
long as the match is unique). A string that names a folder stands for every file inside it.
Only files inside the task folder can ever be found, so no record can pull in anything else.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".mpeg", ".mpg", ".m4v"})
MESH_EXTENSIONS = frozenset({".ply", ".obj", ".off", ".stl", ".glb", ".gltf", ".pcd", ".xyz", ".las", ".fbx"})
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | MESH_EXTENSIONS

SKIPPED_FILES = frozenset({"annotation.json", "prediction.json"})
FOLDER_KEY_HINTS = ("folder", "dir", "frames", "path")
"""A bare string names a folder of frames only under a key like ``video_folder`` or ``frame_dir``."""
MAX_REFERENCE_LENGTH = 1024
"""Longer strings are text, not paths."""


def media_kind(name: str) -> str:
    """``image``, ``audio``, ``video``, ``3d`` or ``other`` from the file extension."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    if suffix in MESH_EXTENSIONS:
        return "3d"
    return "other"


@dataclass
class TaskMediaIndex:
    """Every file and folder under one task folder, found by relative path or by trailing components."""

    root: Path
    files: dict[str, Path] = field(default_factory=dict)
    folders: dict[str, list[str]] = field(default_factory=dict)
    _suffixes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, root: Path) -> TaskMediaIndex:
        index = cls(root=root)
        resolved_root = root.resolve()
        for current, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = Path(current).relative_to(root).as_posix()
            members = []
            for name in sorted(filenames):
                path = Path(current) / name
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if rel in SKIPPED_FILES or name.startswith("."):
                    continue
                if path.is_symlink() and not path.resolve().is_relative_to(resolved_root):
                    continue
                index.files[rel] = path
                members.append(rel)
            if rel_dir != ".":
                index.folders[rel_dir] = members
        for rel in [*index.files, *index.folders]:
            parts = rel.split("/")
            for start in range(len(parts)):
                index._suffixes["/".join(parts[start:]).lower()].append(rel)
        return index

    def lookup(self, reference: str, *, allow_folder: bool = True) -> list[str] | None:
        """Relative paths of the file(s) ``reference`` names, or None when it names nothing here.

        A string without a file extension (a class label such as ``dog`` next to an ``images/dog/``
        folder) only counts when it is exactly a relative path of the task folder, and a folder only
        when ``allow_folder``.
        """
        text = reference.strip().replace("\\", "/")
        if not text or len(text) > MAX_REFERENCE_LENGTH or "\n" in text:
            return None
        parts = [p for p in PurePosixPath(text).parts if p not in ("/", ".")]
        if not parts:
            return None
        exact = "/".join(parts)
        if not PurePosixPath(exact).suffix:
            if exact in self.files:
                return [exact]
            return list(self.folders[exact]) if allow_folder and exact in self.folders else None
        candidates = self._suffixes.get(exact.lower(), [])
        if not candidates:
            # an absolute or foreign path: the longest trailing part that is unique here
            for start in range(1, len(parts)):
                candidates = self._suffixes.get("/".join(parts[start:]).lower(), [])
                if candidates:
                    break
        if not allow_folder:
            candidates = [c for c in candidates if c in self.files]
        if len(candidates) != 1:
            candidates = [c for c in candidates if c == exact]
            if len(candidates) != 1:
                return None
        found = candidates[0]
        return self.folders.get(found, [found])

    def used_by_nobody(self, used: set[str]) -> list[str]:
        return [rel for rel in self.files if rel not in used]


def iter_strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string inside a JSON value with its JSON path (``input.frames[2]``), keys excluded."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from iter_strings(item, f"{where}[{position}]")


@dataclass
class RecordMedia:
    """The files one side (``input`` or ``output``) of a record refers to, in order of mention."""

    files: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(JSON path, string) of mentions that look like media files but name nothing in the task folder."""


def find_record_media(index: TaskMediaIndex, value: Any, side: str) -> RecordMedia:
    """Resolve every string of one side of a record against the task's media index."""
    media = RecordMedia()
    for where, text in iter_strings(value, side):
        key = where.rsplit(".", 1)[-1].split("[", 1)[0].lower()
        allow_folder = "/" in text or any(hint in key for hint in FOLDER_KEY_HINTS)
        found = index.lookup(text, allow_folder=allow_folder)
        if found is None:
            if PurePosixPath(text.strip()).suffix.lower() in MEDIA_EXTENSIONS and "\n" not in text:
                media.missing.append((where, text))
            continue
        for rel in found:
            if rel not in media.files:
                media.files.append(rel)
    return media
