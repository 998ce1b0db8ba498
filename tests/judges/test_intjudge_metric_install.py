"""After `genjudge install-metrics`, a bare `evaluate.load("intjudge")` works offline from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genjudge.evaluate_glue.install import available_modules, install_metrics, metric_sources

SRC = Path(__file__).resolve().parents[2] / "src"

LOAD_AND_COMPUTE = """
import json, evaluate
judge = evaluate.load("intjudge", embedder="lexical")
result = judge.compute(
    inputs=[[{"text": "Name a red fruit.", "image": None}]],
    outputs_a=[[{"text": "A blue car.", "image": None}]],
    outputs_b=[[{"text": "A red apple.", "image": None}]],
    references=[[{"text": "An apple, which is a red fruit.", "image": None}]],
)
print(json.dumps({"backend": judge.backend, "verdicts": result["verdicts"]}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHONPATH"))}
    return env | {
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_EVALUATE_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(SRC),
    }


@pytest.mark.slow
def test_bare_load_works_after_install_from_an_unrelated_directory(tmp_path):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = _env(tmp_path)
    before = subprocess.run(
        [sys.executable, "-c", LOAD_AND_COMPUTE], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert before.returncode != 0 and "intjudge" in before.stderr  # not loadable before installing

    install = subprocess.run(
        [sys.executable, "-m", "genjudge", "install-metrics"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    assert "installed intjudge" in install.stdout
    assert str(tmp_path / "hf-home" / "modules" / "evaluate_modules") in install.stdout

    after = subprocess.run(
        [sys.executable, "-c", LOAD_AND_COMPUTE], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout.strip().splitlines()[-1]) == {"backend": "reference", "verdicts": ["B"]}


def test_reinstalling_an_edited_module_makes_evaluate_prefer_the_new_copy(tmp_path):
    source = tmp_path / "src-metrics"
    (source / "toy").mkdir(parents=True)
    (source / "toy" / "toy.py").write_text("VERSION = 1\n")
    cache = tmp_path / "modules"
    first = install_metrics(source=source, modules_cache=cache)[0]
    (source / "toy" / "toy.py").write_text("VERSION = 2\n")
    second = install_metrics(["toy"], source=source, modules_cache=cache)[0]
    assert first.installed != second.installed
    assert second.installed.stat().st_mtime >= first.installed.stat().st_mtime
    assert second.installed.read_text() == "VERSION = 2\n"
    assert (cache / "metrics" / "evaluate-metric--toy" / "__init__.py").exists()


def test_shipped_sources_include_intjudge_and_unknown_names_are_refused(tmp_path):
    assert "intjudge" in available_modules(metric_sources())
    with pytest.raises(ValueError, match="no evaluate module named nope"):
        install_metrics(["nope"], modules_cache=tmp_path)
