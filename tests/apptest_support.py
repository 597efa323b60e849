"""AppTest helpers shared by the page tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_app(path: str, params: dict[str, str], timeout: float = 120) -> AppTest:
    """Run the page at `path` once, as if opened from a link with these query params."""
    at = AppTest.from_file(path, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    """The value shown by the st.metric with this label."""
    return next(m.value for m in at.metric if m.label == label)


def outcome(at: AppTest) -> str:
    """The finished run's status line: a success (solved), a warning (plateau, still falling, stuck)
    or an error (diverged). Empty while nothing has trained."""
    for element in (*at.success, *at.warning, *at.error):
        if "Trained " in element.value or "diverged at epoch" in element.value:
            return element.value
    return ""


def url_notices(at: AppTest) -> list[str]:
    """The warnings about the link (values ignored), not the run's outcome."""
    return [w.value for w in at.warning if w.value != outcome(at)]


def charts_frames(at: AppTest) -> list:
    """The datasets of every chart on the page now, decoded from the Arrow bytes the browser gets."""
    import pyarrow as pa

    return [pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            for chart in at.get("vega_lite_chart") for dataset in chart.proto.datasets]
