"""Make genjudge's ``evaluate`` modules loadable by bare name (``evaluate.load("intjudge")``), offline.

How evaluate 0.4.6 resolves a bare name (``evaluate/loading.py``, ``evaluation_module_factory``):

1. ``<name>/<name>.py`` relative to the current directory — only works from one directory;
2. the Hub Space ``evaluate-metric/<name>`` (then ``-comparison``, ``-measurement``) — our modules
   are not there, and there is no network here;
3. when that fails (offline, or not found), the newest copy in its dynamic-modules cache:
   ``<HF_MODULES_CACHE>/evaluate_modules/metrics/evaluate-metric--<name>/<64-hex hash>/<name>.py``,
   the layout evaluate itself writes after a Hub download; "newest" is by file mtime.
   ``HF_EVALUATE_OFFLINE=1`` skips step 2 and goes straight here.

So installing means writing each module into that cache layout, exactly as a Hub download would
have left it. It then loads from any directory, offline or not, with or without
``HF_EVALUATE_OFFLINE``, and needs no change to evaluate. Re-installing an edited module creates a
new hash folder with a newer mtime, which evaluate then prefers.

The module sources ship inside the package as ``genjudge/evaluate_glue/sources`` (a link to the
repository's ``metrics/`` folder, which setuptools copies into wheels); in a source checkout the
repository's ``metrics/`` folder is used directly.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import genjudge

_NAMESPACE = "evaluate-metric"


@dataclass(frozen=True)
class InstalledModule:
    name: str
    source: Path
    installed: Path


def metric_sources() -> Path:
    """The folder holding genjudge's ``evaluate`` modules (one sub-folder per module)."""
    packaged = Path(str(importlib.resources.files("genjudge.evaluate_glue") / "sources"))
    if packaged.is_dir() and available_modules(packaged):
        return packaged
    for parent in Path(genjudge.__file__).resolve().parents:
        candidate = parent / "metrics"
        if (parent / "pyproject.toml").is_file() and candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "genjudge's evaluate modules were not found: neither genjudge/evaluate_glue/sources in the installed "
        "package nor a metrics/ folder in a source checkout; pass the folder explicitly (--source)"
    )


def available_modules(source: Path) -> list[str]:
    """Names of the module folders in ``source`` (a folder ``x/`` that holds ``x.py``)."""
    return sorted(p.name for p in source.iterdir() if p.is_dir() and (p / f"{p.name}.py").is_file())


def default_modules_cache() -> Path:
    """Where evaluate looks for cached dynamic modules (honours HF_MODULES_CACHE and HF_HOME)."""
    from evaluate import config

    return Path(config.HF_MODULES_CACHE) / config.MODULE_NAME_FOR_DYNAMIC_MODULES


def install_metrics(
    names: list[str] | None = None,
    *,
    source: Path | None = None,
    modules_cache: Path | None = None,
) -> list[InstalledModule]:
    """Copy the named modules (default: all) into evaluate's dynamic-modules cache."""
    source = source or metric_sources()
    available = available_modules(source)
    names = names or available
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise ValueError(f"no evaluate module named {', '.join(unknown)} in {source}; available: {available}")
    root = modules_cache or default_modules_cache()
    return [_install_one(source / name, root) for name in names]


def _install_one(folder: Path, root: Path) -> InstalledModule:
    name = folder.name
    script = folder / f"{name}.py"
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    module_dir = root / "metrics" / f"{_NAMESPACE}--{name}"
    for package in (root, root / "metrics", module_dir):
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
    target = module_dir / digest
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=module_dir))
    try:
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.endswith(".pyc"):
                shutil.copyfile(path, staging / path.name)
        (staging / "__init__.py").touch()
        meta = {"original file path": str(script), "local file path": str(target / script.name)}
        (staging / f"{name}.json").write_text(json.dumps(meta))
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    os.utime(target / script.name)  # newest mtime: evaluate picks this copy over older installs
    return InstalledModule(name=name, source=folder, installed=target / script.name)
