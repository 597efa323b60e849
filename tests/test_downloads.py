"""The export panel's downloads, opened as a student would open them: the CSV read back, the
weights loaded (without unpickling arbitrary objects) into the network the config describes."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import torch
from apptest_support import open_app
from conftest import ROOT
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from test_presets_exact import lecture_logic_gate, lecture_quadratic

from mlp_core import Config, export_script
from mlp_core.model import build_model

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def downloads(monkeypatch):
    """label -> bytes of every download button the page offered (read from Streamlit's media store)."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)

    def read(at) -> dict[str, bytes]:
        buttons = at.get("download_button")
        return {b.proto.label: files[b.proto.url.rsplit("/", 1)[-1].split(".")[0]] for b in buttons}

    return read


def open_downloads(at, downloads):
    offered = downloads(at)
    assert sorted(offered) == ["Loss history (.csv)", "Script (.py)", "Trained weights (.pt)"]
    losses = pd.read_csv(io.BytesIO(offered["Loss history (.csv)"]))
    saved = torch.load(io.BytesIO(offered["Trained weights (.pt)"]), weights_only=True)
    return offered["Script (.py)"].decode(), losses, saved


def test_xor_downloads_hold_the_run(downloads):
    at = open_app(str(ROOT / "pages" / "perceptron_xor.py"), {"epochs": "501"})
    assert not at.exception
    script, losses, saved = open_downloads(at, downloads)
    plain_losses, plain_hypothesis, _ = lecture_logic_gate((2,), "xor", steps=501)  # the lecture's loop

    assert list(losses.columns) == ["epoch", "loss"]
    np.testing.assert_array_equal(losses.epoch.to_numpy(), np.arange(501))
    np.testing.assert_allclose(losses.loss.to_numpy(), plain_losses, rtol=1e-6, atol=0)

    config = Config.from_flat(saved["config"])
    assert config.training.epochs == 501 and config.model.hidden_widths == (2,)
    model = build_model(config.model, config.data.in_features, torch.Generator().manual_seed(0))
    model.load_state_dict(saved["state_dict"])  # strict: every parameter, no extra ones
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    with torch.no_grad():
        np.testing.assert_allclose(model(X).squeeze(1).numpy(), plain_hypothesis, rtol=1e-6, atol=1e-7)
    assert script == export_script(config) and script.rstrip("\n") in [c.value for c in at.code]


def test_quadratic_downloads_hold_the_run(downloads):
    params = {"epochs": "300", "hidden_widths": "100-10-6", "optimizer": "adam", "learning_rate": "0.0002"}
    at = open_app(str(ROOT / "pages" / "quadratic_regression.py"), params)
    assert not at.exception
    _, losses, saved = open_downloads(at, downloads)
    plain, trained = lecture_quadratic(15.0, 5.0, (100, 10, 6), torch.optim.Adam, 0.0002, epochs=300, with_model=True)
    np.testing.assert_allclose(losses.loss.to_numpy(), plain, rtol=1e-6, atol=0)

    config = Config.from_flat(saved["config"])
    model = build_model(config.model, config.data.in_features, torch.Generator().manual_seed(0))
    model.load_state_dict(saved["state_dict"])
    x = torch.linspace(-15, 15, 31).unsqueeze(1)
    with torch.no_grad():
        np.testing.assert_allclose(model(x).numpy(), trained(x).numpy(), rtol=1e-5, atol=1e-5)

