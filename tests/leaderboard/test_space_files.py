"""The Space folder is deployable as is: YAML header, entry point, requirements naming genjudge."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from leaderboard_helpers import connect_when_serving, free_port

SPACE = Path(__file__).resolve().parents[2] / "spaces" / "leaderboard"


def test_readme_has_the_space_header():
    text = (SPACE / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["sdk"] == "gradio"
    assert header["app_file"] == "app.py"
    assert (SPACE / header["app_file"]).is_file()
    assert int(str(header["sdk_version"]).split(".")[0]) >= 6


def test_requirements_install_genjudge_with_the_space_and_judge_extras():
    lines = [line.strip() for line in (SPACE / "requirements.txt").read_text().splitlines() if line.strip()]
    genjudge = [line for line in lines if line.startswith("genjudge")]
    assert len(genjudge) == 1
    extras = genjudge[0].split("[", 1)[1].split("]", 1)[0].split(",")
    assert {"space", "judge"} <= {e.strip() for e in extras}


def test_app_is_thin():
    """The entry point only wires configuration to the library: no logic of its own."""
    tree = ast.parse((SPACE / "app.py").read_text())
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    assert functions == []
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {"genjudge.leaderboard.service", "genjudge.leaderboard.ui"} <= imported


def test_the_space_entry_point_serves_on_loopback(tmp_path):
    """`python app.py` as the Space runs it, configured by environment variables only."""
    pytest.importorskip("gradio_client")

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(SPACE.parents[1] / "src"),
        "HF_HUB_OFFLINE": "1",
        "PORT": str(port),
        "GENJUDGE_LEADERBOARD_DIR": str(tmp_path / "lb"),
        "HF_TOKEN": "hf_never_shown_anywhere",
    }
    env.pop("SPACE_ID", None)
    server = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=SPACE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = connect_when_serving(server, port, timeout=90)
        assert client.predict(api_name="/queue")["data"] == []
        page = httpx.get(f"http://127.0.0.1:{port}/config").text
        assert "hf_never_shown_anywhere" not in page
        assert "reference-similarity" in page  # the About tab names the judge
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "hf_never_shown_anywhere" not in output
