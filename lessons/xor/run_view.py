"""The Perceptron & XOR page's run view: every area of the page below the lesson sentence, laid
out top to bottom as the page shows them, drawn live while training and then for the finished run.

The contract every training page follows (README, "For developers"): the view's constructor lays
out the page's areas (`Slot`s keep a chart on screen across reruns); `draw(frame)` is what
`show_run` calls with every live frame; `finish(result)` draws the finished run, with the widgets
that need one (here the replay slider and the hidden-space pickers: drawn after the run, so that
moving them never restarts it). XOR's finished picture depends on those widgets, so `draw` leaves
the done frame to `finish`.
"""

from __future__ import annotations


import pandas as pd
import streamlit as st

from mlp_core import Config, RunResult, Snapshot
from mlp_core.data import dataset_for
from mlp_core.i18n import N_, _, ngettext
from mlp_core.printout import lecture_printout, live_printout
from ui import charts, lecture
from ui.derived import once, per_config, shared_cache
from ui.live import Frame, Slot, Throttle

from . import views
from .analysis import LN2, layer_activations, plateau_exit, snapshot_accuracy
from .diagram import network_diagram, network_dot, weights_table
from .views import HiddenChoice, corner_outputs

MAX_LIVE_DIAGRAM_EDGES = 300  # 2-10-10-10-1 has 230; the browser lays out the graph on every redraw
MAX_DIAGRAM_EDGES = 1200  # beyond this the drawing is a grey blur and slow to lay out
HIDDEN_KEY = "xor._hidden_choice"  # survives runs in which the pickers are not drawn (while training)
# The weights table's columns (lessons/xor/diagram.py names them in English), as the reader reads them.
WEIGHT_COLUMNS = {"layer": N_("layer"), "parameter": N_("parameter"), "from": N_("from"), "to": N_("to"),
                  "weight": N_("value")}


class XorRunView:
    """The charts, metrics, diagram, hidden space and printout of one config's run."""

    def __init__(self, config: Config) -> None:
        self.config, self.depth, self.gate = config, config.model.depth, config.data.gate
        # Drawn as training draws it (the points show before the first epoch), once per config. What
        # the views derive is kept with what it comes from (ui/derived.py): the config, the shared
        # live frame, the finished run's snapshot: fifty students showing one run derive it once.
        self.dataset = per_config(config, "dataset", lambda: dataset_for(config))
        self.points = per_config(config, "points", lambda: charts.arrow_bytes(views.points_frame(self.dataset)))
        self.boundary_spec = views.boundary_spec(views.grid_domain(self.dataset), views.point_size(config.n_points))
        self.loss_spec = views.xor_loss_spec(config.training.epochs, st.session_state.get("xor.log_scale", False))
        own = config.data.points is not None
        self.accuracy_spec = views.accuracy_spec(config.training.epochs, self.gate == "xor" and not own)
        self._layout()
        self.last_drawn = {"boundary": None, "anatomy": None}  # the snapshot epochs those views show
        self.slow_views = Throttle()  # metrics, printout and anatomy: at most once a second while training

    def _layout(self) -> None:
        st.html(views.SQUARE_CSS)  # the square charts' height (an invisible element)
        boundary_column, loss_column = st.columns([1, 1], gap="medium")
        self.boundary_area = Slot(boundary_column.container(key="xor-boundary"))
        self.boundary_caption = Slot(boundary_column)
        self.loss_area, self.accuracy_area = Slot(loss_column), Slot(loss_column)
        self.log_slot = loss_column.container()
        self.replay_slot = st.container()  # under the charts it drives; filled once the run is over
        self.metric_slots = [Slot(column) for column in st.columns(4)]  # each metric replaced in place
        self.status_slot = st.container()
        diagram_column, hidden_column = st.columns([1, 1], gap="medium")
        diagram_column.subheader(_("Network diagram"))
        self.diagram_area, self.diagram_caption = Slot(diagram_column), Slot(diagram_column)
        hidden_column.subheader(_("Hidden space"))
        self.hidden_pickers = hidden_column.container()
        self.hidden_area, self.hidden_caption = Slot(hidden_column.container(key="xor-hidden")), Slot(hidden_column)
        st.subheader(_("The lecture's printout"))
        printout_column, table_column = st.columns([1, 1], gap="medium")
        self.printout_area = Slot(printout_column)
        self.table_area, self.table_caption = Slot(table_column), Slot(table_column)

    # --- live ---------------------------------------------------------------------------------

    def draw(self, frame: Frame) -> None:
        """Redraw the live views while training (the finished run is drawn by `finish`)."""
        if frame.done:
            return
        # The heatmap, diagram and hidden space only change with a new snapshot (~50 per run), and
        # they are the costly views (~20 ms and ~30 ms here, more in the browser): the heatmap is
        # redrawn only then, and the slower views at most once a second.
        drawn = self.last_drawn
        new_snapshot = frame.snapshot is not None and frame.snapshot.epoch != drawn["boundary"]
        self.draw_boundary(frame.snapshot, frame.losses, frame.accuracy_epochs, frame.accuracy_history,
                           heatmap=new_snapshot or drawn["boundary"] is None)
        if new_snapshot:
            drawn["boundary"] = frame.snapshot.epoch
        if not self.slow_views():
            return
        loss = float(frame.losses[-1]) if len(frame.losses) else None
        self.draw_metrics(loss, frame.accuracy, frame.epoch, frame.epochs, None)
        self.printout_area.code(live_printout(frame.losses), language=None, height=320)
        if frame.snapshot is not None and frame.snapshot.epoch != drawn["anatomy"]:
            self.draw_anatomy(frame.snapshot, live=True)
            drawn["anatomy"] = frame.snapshot.epoch

    def draw_boundary(self, snapshot, losses, accuracy_epochs, accuracy_values, marker=None,
                      heatmap: bool = True) -> None:
        """The loss and accuracy curves, and (unless `heatmap` is False) the boundary of `snapshot`."""
        if heatmap:
            cells = once(snapshot, "boundary", lambda: encoded(views.boundary_frames(snapshot, self.dataset,
                                                                                     self.config))) \
                if snapshot is not None else encoded(views.boundary_frames(None, self.dataset, self.config))
            charts.render(self.boundary_area, self.boundary_spec, points=self.points, **cells)
        marker_bytes = _marker(marker)
        charts.render(self.loss_area, self.loss_spec, loss=once(losses, "loss", lambda: charts.arrow_bytes(
            charts.loss_frame(losses))), refs=_loss_references(), marker=marker_bytes)
        charts.render(self.accuracy_area, self.accuracy_spec, marker=marker_bytes, accuracy=once(
            accuracy_values, "accuracy", lambda: charts.arrow_bytes(views.accuracy_frame(accuracy_epochs,
                                                                                        accuracy_values))))
        if snapshot is not None and views.output_spread(snapshot) < views.UNDECIDED:
            self.boundary_caption.caption(
                _("The output is 0.5 (white) everywhere: the perceptron has given up on a line — the ln 2 loss. "
                  "Its 0.5 level (dashed) is wherever rounding puts it.") if self.depth == 0 else
                _("The output is 0.5 (white) everywhere: the network has not decided yet — the ln 2 loss. "
                  "Its 0.5 level (dashed) is wherever rounding puts it."))
        else:
            self.boundary_caption.caption(
                _("Red: ŷ near 0 (class 0), blue: ŷ near 1 (class 1). Black: where ŷ = 0.5 — the perceptron's "
                  "line.") if self.depth == 0 else
                _("Red: ŷ near 0 (class 0), blue: ŷ near 1 (class 1). Black: where ŷ = 0.5 — the network's "
                  "decision boundary."))

    def draw_anatomy(self, snapshot, live: bool = False) -> None:
        """The diagram and the hidden space for one snapshot's weights."""
        if snapshot is None:
            return
        diagram = once(snapshot, "diagram", lambda: network_diagram(snapshot.weights, self.config))
        if len(diagram.edges) > MAX_DIAGRAM_EDGES:
            self.diagram_area.info(_("{n:,} connections are too many to draw legibly; the weights table below "
                                     "lists them all. Narrow the layers to see the diagram.", n=len(diagram.edges)))
        elif live and len(diagram.edges) > MAX_LIVE_DIAGRAM_EDGES:
            self.diagram_area.info(_("The diagram of this network is drawn when training ends (laying out {n:,} "
                                     "connections several times a second would slow the browser).",
                                     n=len(diagram.edges)))
        else:
            large = lecture.presenter_view()  # presenter view: type for the back of a hall
            self.diagram_area.graphviz_chart(once(snapshot, ("dot", large), lambda: network_dot(diagram, large=large)),
                                             width="stretch")
            self.diagram_caption.caption(_("Blue: positive weight, red: negative; thicker = larger |w|. Each neuron "
                                           "shows its bias b. Hover a connection or a neuron for its exact value."))
        self.draw_hidden_space(snapshot)

    def draw_hidden_space(self, snapshot) -> None:
        choice = self.hidden_choice()
        if choice is None:
            self.hidden_area.info(_("A single-layer perceptron has no hidden layer: its only picture is the input "
                                    "square above, and its only boundary a straight line. Add a hidden layer "
                                    "(depth ≥ 1) to see the inputs mapped to a space where a line can separate "
                                    "XOR."))
            return
        if self.config.model.hidden_widths[choice.layer] < 2:
            self.hidden_area.info(_("This hidden layer has a single unit: it maps the data onto a line, not a "
                                    "plane. Use width 2 or more to see the hidden space."))
            return
        space, frames = once(snapshot, ("hidden", choice), lambda: self._hidden(snapshot, choice))
        spec = views.hidden_spec(space.axis_names, views.point_size(self.config.n_points))
        charts.render(self.hidden_area, spec, **frames)
        self.hidden_caption.caption(_("Each input (x1, x2) placed at its values on {a} and {b}; shading is the "
                                      "output ŷ. {note}", a=space.axis_names[0], b=space.axis_names[1],
                                      note=space.note))

    def _hidden(self, snapshot, choice: HiddenChoice):
        space, frames = views.hidden_frames(snapshot.weights, self.config, self.dataset, choice)
        return space, encoded(frames)

    def draw_metrics(self, loss: float | None, accuracy: float | None, epoch: int, epochs: int,
                     seconds: float | None) -> None:
        plateau = loss is not None and abs(loss - LN2) < 0.005
        slots = self.metric_slots
        slots[0].metric(_("Loss"), "–" if loss is None else f"{loss:.4f}" + (" ≈ ln 2" if plateau else ""))
        slots[1].metric(_("Accuracy"), "–" if accuracy is None else f"{accuracy:.2f}")
        slots[2].metric(_("Epoch"), f"{epoch:,} / {epochs:,}")
        slots[3].metric(_("Time"), _("training…") if seconds is None else _("{seconds:.1f} s", seconds=seconds))

    def hidden_choice(self) -> HiddenChoice | None:
        """The hidden plane to show: the user's last pick if it fits this network, else the last layer."""
        if self.depth == 0:
            return None
        chosen = st.session_state.get(HIDDEN_KEY)
        widths = self.config.model.hidden_widths
        return chosen if chosen is not None and chosen.fits(widths) else HiddenChoice.default(widths)

    # --- the finished run ----------------------------------------------------------------------

    def finish(self, result: RunResult) -> Snapshot | None:
        """The finished run at the replayed epoch, with its widgets; returns the snapshot shown."""
        self.log_slot.toggle(_("Loss on a log scale"), key="xor.log_scale",
                             help=_("Shows the slow fall after the plateau."))
        snapshot = None
        if result.snapshots:
            self.hidden_pickers_ui()
            snapshot = self.replay_ui(result)
        at_end = snapshot is None or snapshot.epoch == result.snapshots[-1].epoch
        self.draw_boundary(snapshot, result.losses, result.accuracy_epochs, result.accuracy_history,
                           marker=None if at_end else snapshot.epoch)
        self.draw_anatomy(snapshot)
        self.show_replay_caption(result, snapshot)
        if at_end:
            self.draw_metrics(result.final_loss, result.accuracy, len(result.losses), self.config.training.epochs,
                              result.seconds)
        else:  # everything that describes "the network at epoch N" follows the replay
            self.draw_metrics(self.loss_at(result, snapshot.epoch), self.accuracy_of(snapshot), snapshot.epoch,
                              self.config.training.epochs, result.seconds)
        self.show_printout(result, None if at_end else snapshot)
        if snapshot is not None:
            with st.expander(_("Weights and biases at epoch {epoch:,} (table)", epoch=snapshot.epoch)):
                st.dataframe(once(snapshot, "weights table", lambda: self._weights_table(snapshot)),
                             hide_index=True, width="stretch",
                             column_config={_("value"): st.column_config.NumberColumn(format="%.5f")})
        return snapshot

    @staticmethod
    def _weights_table(snapshot: Snapshot) -> pd.DataFrame:
        """The weights table with its columns and its bias rows in the reader's language."""
        table = pd.DataFrame(weights_table(snapshot.weights))
        table["from"] = table["from"].replace({"bias": _("bias")})
        return table.rename(columns={name: _(label) for name, label in WEIGHT_COLUMNS.items()})

    def replay_ui(self, result: RunResult) -> Snapshot:
        """The replay slider over the saved snapshots; returns the chosen snapshot."""
        epochs = [s.epoch for s in result.snapshots]
        state = st.session_state
        if state.get("xor._replay_for") != self.config or state.get("xor.replay") not in epochs:
            state["xor.replay"] = epochs[-1]  # a new run starts at its end
        state["xor._replay_for"] = self.config
        exit_epoch = once(result, "plateau exit", lambda: plateau_exit(result.losses))
        slider_column, button_column = self.replay_slot.columns([4, 1], vertical_alignment="bottom")
        if exit_epoch is not None:
            nearest = min(epochs, key=lambda e: abs(e - exit_epoch))
            button_column.button(_("Jump to epoch {epoch:,}", epoch=nearest), key="xor.jump", width="stretch",
                                 help=_("The loss leaves the ln 2 plateau at epoch {epoch:,}: the snapshot nearest "
                                        "to it.", epoch=exit_epoch),
                                 on_click=lambda: state.update({"xor.replay": nearest}))
        slider_column.select_slider(_("Replay: show the network at epoch"), epochs, key="xor.replay",
                                    format_func=lambda e: f"{e:,}",
                                    help=_("About 50 snapshots saved over the run: the boundary, the diagram and "
                                           "the hidden space redraw at the chosen epoch."))
        return next(s for s in result.snapshots if s.epoch == state["xor.replay"])

    def hidden_pickers_ui(self) -> None:
        """Which layer and which two units the hidden space shows (after training, so no run restarts)."""
        widths, depth = self.config.model.hidden_widths, self.depth
        choice = self.hidden_choice()
        if choice is None or max(widths) < 3 and depth == 1:
            st.session_state[HIDDEN_KEY] = choice
            return
        columns = self.hidden_pickers.columns(3)
        # Formatted here, in the script run's language (a format_func may be called from elsewhere).
        layer_names = [ngettext("{layer} ({n} unit)", "{layer} ({n} units)", width, layer=i + 1, n=width)
                       for i, width in enumerate(widths)]
        layer = columns[0].selectbox(_("Hidden layer"), range(depth), index=choice.layer, key="xor.hidden_layer",
                                     format_func=layer_names.__getitem__)
        names = [f"h{layer + 1}_{i + 1}" for i in range(widths[layer])]
        unit_a = min(choice.units[0], widths[layer] - 1)
        unit_b = min(choice.units[1], widths[layer] - 1)
        a = columns[1].selectbox(_("Horizontal unit"), range(widths[layer]), index=unit_a,
                                 format_func=names.__getitem__, key=f"xor.unit_a.{layer}")
        if unit_b == a:
            unit_b = (a + 1) % widths[layer]
        b = columns[2].selectbox(_("Vertical unit"), range(widths[layer]), index=unit_b, format_func=names.__getitem__,
                                 key=f"xor.unit_b.{layer}")
        st.session_state[HIDDEN_KEY] = HiddenChoice(layer, (a, b))

    def accuracy_of(self, snapshot: Snapshot) -> float:
        return once(snapshot, "accuracy", lambda: snapshot_accuracy(snapshot, self.config, self.dataset))

    @staticmethod
    def loss_at(result: RunResult, epoch: int) -> float:
        """The loss of the network after `epoch` updates (the loss of step `epoch`, before its update)."""
        return float(result.losses[epoch]) if epoch < len(result.losses) else result.final_loss

    def show_replay_caption(self, result: RunResult, snapshot) -> None:
        """What the replayed network did at its epoch (nothing when the slider is at the end)."""
        if snapshot is None or snapshot.epoch == result.snapshots[-1].epoch:
            return
        accuracy = self.accuracy_of(snapshot)
        self.replay_slot.caption(_("Showing the network after **{epoch:,}** of {updates:,} updates: loss "
                                   "{loss:.4f}, accuracy {accuracy:.2f} (the dotted line on the charts). The "
                                   "metrics and the table below are this network's; the printout is the whole "
                                   "run's.", epoch=snapshot.epoch, updates=len(result.losses),
                                   loss=self.loss_at(result, snapshot.epoch), accuracy=accuracy))

    def _hypothesis_table(self, printout, replayed: Snapshot | None) -> pd.DataFrame:
        inputs = self.dataset.inputs.numpy()
        hypothesis = printout.hypothesis if replayed is None else \
            layer_activations(replayed.weights, self.config, inputs)[-1][:, 0]
        return pd.DataFrame({"x1": inputs[:, 0], "x2": inputs[:, 1], _("Y (target)"): printout.targets,
                             _("Hypothesis ŷ"): hypothesis, _("Predicted (ŷ > 0.5)"): (hypothesis > 0.5).astype(float)})

    def show_printout(self, result: RunResult, replayed: Snapshot | None = None) -> None:
        """The lecture script's output for this run, and its hypothesis as a table (of the replayed
        network, when the replay slider is not at the end)."""
        printout = once(result, "printout", lambda: lecture_printout(result))
        self.printout_area.code(once(result, "printout text", printout.text), language=None, height=320)
        if printout.hypothesis is not None and printout.show_points:
            table = once(replayed or result, "hypothesis table", lambda: self._hypothesis_table(printout, replayed))
            caption = _("**Accuracy: {accuracy}** — the script's last line. Every 100th loss is on the left, as "
                        "the lecture's script prints it.", accuracy=printout.accuracy)
            if replayed is not None:
                caption = _("The table: the network after **{epoch:,}** updates (the replay). The script's last "
                            "line, for the trained network: Accuracy: {accuracy}.", epoch=replayed.epoch,
                            accuracy=printout.accuracy)
        elif printout.accuracy is not None and self.config.data.points is not None:  # one's own: every point
            table = once(replayed or result, "hypothesis table", lambda: self._hypothesis_table(printout, replayed))
            caption = _("**Accuracy on your {n} points: {accuracy:.4g}**. The script prints no hypothesis for so "
                        "many points; the table shows the network's output on each of them.",
                        n=self.config.n_points, accuracy=printout.accuracy)
        elif printout.accuracy is not None:
            shown = replayed or result.snapshots[-1]
            table = once(shown, "corner table", lambda: corner_outputs(shown.weights, self.config))
            caption = _("**Accuracy on the {n} noisy points: {accuracy:.4g}**. The script prints no hypothesis "
                        "for so many points; the table shows the trained net at the four exact corners.",
                        n=self.config.n_points, accuracy=printout.accuracy)
        else:
            table, caption = None, _("Training diverged: there is no trained network to print a hypothesis for.")
        if table is not None:
            self.table_area.dataframe(table, hide_index=True, width="stretch",
                                      column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                     for c in (_("Hypothesis ŷ"), _("output ŷ"))})
        self.table_caption.markdown(caption)


def encoded(frames: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """Chart datasets as the Arrow bytes Streamlit sends (what ui/derived.py keeps)."""
    return {name: charts.arrow_bytes(frame) for name, frame in frames.items()}


@shared_cache(maxsize=64)
def _marker(epoch: int | None) -> bytes:
    return charts.arrow_bytes(views.marker_frame(epoch))


@shared_cache(maxsize=1)
def _loss_references() -> bytes:
    return charts.arrow_bytes(views.loss_references())
