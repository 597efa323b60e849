"""The project's promises to a new user: README commands and CI agree."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_readme_has_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0] == "pip install -r requirements.txt && streamlit run streamlit_app.py"
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in lines


def test_torch_is_pinned_with_the_cpu_index():
    requirements = (ROOT / "requirements.txt").read_text()
    assert "torch==2.13.0" in requirements
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirements
