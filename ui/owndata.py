"""Data of one's own on a training page: the built-in data or your points, a table to edit them
(st.data_editor with rows to add and remove), a CSV upload, and what was refused.

`own_data_ui` runs before the page's `config_ui` (mlp_core/config.py's field `points` has no
widget of its own): it puts the points to train on, or None for the built-in data, into the
controls' state, where `config_ui` reads them with every other setting. The upload and the table
are read in the script itself, not in callbacks, so a test can drive them as a browser does.

Bad data changes nothing: the message names the row and the column (mlp_core/owndata.py), and the
previous points, and the run on them, stay. Points of more than URL_POINTS do not travel in a link:
a notice says so.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlp_core.data import NINE_X, NINE_Y, TRUTH_TABLES, CORNERS
from mlp_core.i18n import N_, _, ngettext, spoken_now
from mlp_core.owndata import COLUMNS, MAX_BYTES, URL_POINTS, DataError, PointSet, parse_csv, points_from_table, remember

from .controls import PageControls, ensure_seeded

SOURCES = ("builtin", "own")
SOURCE_LABELS = {  # per kind of data: the built-in data's name, then one's own
    "labels": (N_("The gate's 4 corners"), N_("Your points")),
    "xy": (N_("A function"), N_("Your points")),
}


def own_data_ui(spec: PageControls, kind: str, container) -> None:
    """Draw the data choice in `container`; leave the points to train on in `spec.key("points")`."""
    state = st.session_state
    ensure_seeded(spec)
    key = _keys(spec)
    applied, last = state.get(spec.key("points")), state.get(key("last"))
    if applied is not None and applied != last:  # from a link: these are the points to show and edit
        _take(spec, kind, applied)
        state[key("source")] = "own"
    elif applied is None and last is not None:  # a preset brought the built-in data back
        state[key("source")] = "builtin"
    state.setdefault(key("source"), "builtin")
    labels = dict(zip(SOURCES, SOURCE_LABELS[kind]))
    with container:
        source = st.radio(_("Data"), SOURCES, key=key("source"), horizontal=True,
                          format_func=spoken_now(lambda name: _(labels[name])),
                          help=_("Train on the page's own data, or on points of your own: edit them in the table or "
                                 "upload a CSV file."))
        if source == "own":
            if state.get(key("points")) is None:
                _take(spec, kind, _starting_points(spec, kind))
            st.caption(_("With your points, the settings that draw the built-in data (the gate or the target "
                         "function, the noise, the number of samples, the x range) are not used."))
            with st.expander(_("Your points: edit the table or upload a CSV"), expanded=True):
                left, right = st.columns([2, 3], gap="medium")
                with left:
                    _upload(spec, kind)
                with right:
                    _table(spec, kind)
                with left:
                    _messages(spec, kind)
    chosen = remember(state.get(key("points"))) if source == "own" else None
    state[spec.key("points")] = chosen
    state[key("last")] = chosen


def _keys(spec: PageControls):
    return lambda name: spec.key("own." + name)


def _take(spec: PageControls, kind: str, points: PointSet) -> None:
    """Make `points` the page's own data and the table's content (a fresh editor)."""
    state, key = st.session_state, _keys(spec)
    state[key("points")] = remember(points)
    state[key("version")] = state.get(key("version"), 0) + 1
    state[key("base")] = pd.DataFrame(list(points.rows), columns=list(COLUMNS[kind]), dtype=float)


def _starting_points(spec: PageControls, kind: str) -> PointSet:
    """What the table holds before anything is edited: the gate's truth table, or the nine points."""
    if kind == "labels":
        gate = st.session_state.get(spec.key("gate"), "xor")
        return PointSet(kind, [(*corner, label) for corner, label in zip(CORNERS, TRUTH_TABLES[gate])])
    return PointSet(kind, list(zip(NINE_X, NINE_Y)))


def _upload(spec: PageControls, kind: str) -> None:
    state, key = st.session_state, _keys(spec)
    header = ",".join(COLUMNS[kind])
    upload = st.file_uploader(
        _("Upload a CSV file (header {header})", header=header), key=key("upload"),
        help=_("A text file with a header row {header} and one point per row; at most 5,000 points and 1 MB. It is "
               "only read as text, never stored.", header=header))
    if upload is None or upload.file_id == state.get(key("upload_seen")):
        return
    state[key("upload_seen")] = upload.file_id
    try:
        if upload.size > MAX_BYTES:  # not read at all
            raise DataError(_("The file has {size:,} bytes; at most {most:,} (1 MB) are read.", size=upload.size,
                              most=MAX_BYTES))
        points = parse_csv(upload.getvalue(), kind)
    except DataError as error:
        state[key("message")] = ("error", _("{file}: {error} Nothing was changed: the previous points stay.",
                                            file=upload.name, error=error))
        return
    _take(spec, kind, points)
    state[key("message")] = ("success", ngettext("{file}: read {count} point.", "{file}: read {count} points.",
                                                 len(points), file=upload.name, count=len(points)))


def _table(spec: PageControls, kind: str) -> None:
    state, key = st.session_state, _keys(spec)
    editor = key(f"editor{state[key('version')]}")
    config = {"label": st.column_config.NumberColumn(min_value=0, max_value=1, step=1, format="%d")} \
        if kind == "labels" else {}
    edited = st.data_editor(state[key("base")], num_rows="dynamic", key=editor, column_config=config,
                            width="stretch", height=min(38 + 35 * (len(state[key("base")]) + 1), 250))
    edits = state.get(editor)
    signature = repr(edits)
    if signature == state.get(key("edits_seen")):
        return
    state[key("edits_seen")] = signature
    if not edits or not any(edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")):
        return
    try:
        points = points_from_table(kind, edited[list(COLUMNS[kind])].itertuples(index=False, name=None))
    except DataError as error:
        state[key("message")] = ("error", _("The table: {error} Until it is fixed the previous points stay.",
                                            error=error))
        return
    state[key("points")] = remember(points)
    state[key("message")] = None


def _messages(spec: PageControls, kind: str) -> None:
    state, key = st.session_state, _keys(spec)
    message = state.get(key("message"))
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    points = state.get(key("points"))
    if points is None:
        return
    st.download_button(_("Download these points (CSV)"), points.to_csv(), file_name="points.csv", mime="text/csv",
                       key=key("download"), icon=":material/download:")
    if not points.in_link:
        st.info(_("These {count:,} points are more than a link carries (at most {most}): a copied link brings "
                  "the settings and names the data set, which only this server, while it still holds it, can "
                  "find. Share the CSV file with the link.", count=len(points), most=URL_POINTS),
                icon=":material/link_off:")
