"""Perceptron & XOR: a single-layer perceptron solves AND and OR but not XOR; a hidden layer does (E1–E3)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlp_core import Snapshot
from mlp_core.anatomy import lecture_printout, network_diagram, network_dot, weights_table
from mlp_core.data import dataset_for
from ui import charts, sweeps, xor_views
from ui.controls import PageControls, config_ui, show_url_notices
from ui.exports import export_panel
from ui.live import Frame, Slot, Throttle, show_run
from ui.navigation import ensure_entrypoint
from ui.xor_views import LN2, HiddenChoice

CONTROLS = PageControls(
    page="xor",
    fields=("gate", "hidden_widths", "activation", "learning_rate", "optimizer", "epochs", "noise_std",
            "n_samples", "seed"),
    presets=("xor-2-2-1", "xor-2-10-10-10-1", "perceptron-and", "perceptron-or", "perceptron-xor"),
    default_preset="xor-2-2-1",
    # Every preset's values lie inside these limits (n_samples defaults to 1000): the controls clamp a
    # value outside them silently, and the clamped config would no longer equal its preset.
    limits={"noise_std": (0.0, 0.5), "n_samples": (8, 1000), "epochs": (1, 20_000), "hidden_widths": (1, 32)},
)
MAX_LIVE_DIAGRAM_EDGES = 300  # 2-10-10-10-1 has 230; the browser lays out the graph on every redraw
MAX_DIAGRAM_EDGES = 1200  # beyond this the drawing is a grey blur and slow to lay out
HIDDEN_KEY = "xor._hidden_choice"  # survives runs in which the pickers are not drawn (while training)

WHY = {
    "xor": "**No straight line can separate XOR**: a line w₁x₁ + w₂x₂ + b = 0 with (0,1) and (1,0) on the "
           "class-1 side (w₂ + b > 0, w₁ + b > 0) and (0,0) on the other (b < 0) has w₁ + w₂ + b > −b > 0, "
           "so (1,1) lands on the class-1 side too. The best a line can do is 3 of 4 points (0.75); trained "
           "with BCE it settles for ŷ = 0.5 everywhere, a loss of ln 2 ≈ 0.693.",
    "and": "**AND is linearly separable**: one line cuts (1,1) off from the other three corners, and the "
           "perceptron finds it.",
    "or": "**OR is linearly separable**: one line cuts (0,0) off from the other three corners, and the "
          "perceptron finds it.",
}


def lesson(config) -> str:
    """One sentence on what this configuration shows."""
    if config.model.depth == 0:
        return WHY[config.data.gate]
    widths = "-".join(str(w) for w in (2, *config.model.hidden_widths, 1))
    layers = "its hidden layer maps" if config.model.depth == 1 else "its hidden layers map"
    return (f"**The MLP {widths}** bends the boundary: {layers} the four corners to new points "
            f"where one line does separate the classes — see *Hidden space* below. Trained by "
            f"backpropagation, it often sits on the ln 2 plateau before it finds that map.")


ensure_entrypoint()
st.title("Perceptron & XOR")
with st.sidebar:
    st.header("Settings")
    config = config_ui(CONTROLS)
show_url_notices(CONTROLS)
st.markdown(lesson(config))

dataset = dataset_for(config)  # drawn as training draws it, so the points show before the first epoch
depth, gate = config.model.depth, config.data.gate
points = xor_views.points_frame(dataset)
domain = xor_views.grid_domain(dataset)
boundary_spec = xor_views.boundary_spec(domain, xor_views.point_size(config.n_points))
log_scale = st.session_state.get("xor.log_scale", False)
loss_spec = xor_views.xor_loss_spec(config.training.epochs, log_scale)
accuracy_spec = xor_views.accuracy_spec(config.training.epochs, gate == "xor")

boundary_column, loss_column = st.columns([1, 1], gap="medium")
boundary_area, boundary_caption = Slot(boundary_column), Slot(boundary_column)
loss_area, accuracy_area, log_slot = Slot(loss_column), Slot(loss_column), loss_column.container()
replay_slot = st.container()  # under the charts it drives; filled once the run is over
metric_slots = [Slot(column) for column in st.columns(4)]  # each metric replaced in place
status_slot = st.container()
diagram_column, hidden_column = st.columns([1, 1], gap="medium")
diagram_column.subheader("Network diagram")
diagram_area, diagram_caption = Slot(diagram_column), Slot(diagram_column)
hidden_column.subheader("Hidden space")
hidden_pickers, hidden_area, hidden_caption = hidden_column.container(), Slot(hidden_column), Slot(hidden_column)
st.subheader("The lecture's printout")
printout_column, table_column = st.columns([1, 1], gap="medium")
printout_area, table_area, table_caption = Slot(printout_column), Slot(table_column), Slot(table_column)


def hidden_choice() -> HiddenChoice | None:
    """The hidden plane to show: the user's last pick if it fits this network, else the last layer."""
    if depth == 0:
        return None
    chosen = st.session_state.get(HIDDEN_KEY)
    return chosen if chosen is not None and chosen.fits(config.model.hidden_widths) else \
        HiddenChoice.default(config.model.hidden_widths)


def draw_boundary(snapshot, losses, accuracy_epochs, accuracy_values, marker=None, heatmap: bool = True) -> None:
    """The loss and accuracy curves, and (unless `heatmap` is False) the boundary of `snapshot`."""
    if heatmap:
        charts.render(boundary_area, boundary_spec, points=points,
                      **xor_views.boundary_frames(snapshot, dataset, config))
    charts.render(loss_area, loss_spec, loss=charts.loss_frame(losses), refs=xor_views.loss_references(),
                  marker=xor_views.marker_frame(marker))
    charts.render(accuracy_area, accuracy_spec, accuracy=xor_views.accuracy_frame(accuracy_epochs, accuracy_values),
                  marker=xor_views.marker_frame(marker))
    if snapshot is not None and xor_views.output_spread(snapshot) < xor_views.UNDECIDED:
        who = "the perceptron has given up on a line" if depth == 0 else "the network has not decided yet"
        boundary_caption.caption(f"The output is 0.5 (white) everywhere: {who} — the ln 2 loss. Its 0.5 level "
                                 "(dashed) is wherever rounding puts it.")
    else:
        boundary_caption.caption("Red: ŷ near 0 (class 0), blue: ŷ near 1 (class 1). Black: where ŷ = 0.5 — "
                                 + ("the perceptron's line." if depth == 0 else "the network's decision boundary."))


def draw_anatomy(snapshot, live: bool = False) -> None:
    """The diagram and the hidden space for one snapshot's weights."""
    if snapshot is None:
        return
    diagram = network_diagram(snapshot.weights, config)
    if len(diagram.edges) > MAX_DIAGRAM_EDGES:
        diagram_area.info(f"{len(diagram.edges):,} connections are too many to draw legibly; the weights table "
                          f"below lists them all. Narrow the layers to see the diagram.")
    elif live and len(diagram.edges) > MAX_LIVE_DIAGRAM_EDGES:
        diagram_area.info("The diagram of this network is drawn when training ends (laying out "
                          f"{len(diagram.edges):,} connections several times a second would slow the browser).")
    else:
        diagram_area.graphviz_chart(network_dot(diagram), width="stretch")
        diagram_caption.caption("Blue: positive weight, red: negative; thicker = larger |w|. Each neuron shows "
                                "its bias b. Hover a connection or a neuron for its exact value.")
    choice = hidden_choice()
    if choice is None:
        hidden_area.info("A single-layer perceptron has no hidden layer: its only picture is the input square "
                         "above, and its only boundary a straight line. Add a hidden layer (depth ≥ 1) to see "
                         "the inputs mapped to a space where a line can separate XOR.")
        return
    if config.model.hidden_widths[choice.layer] < 2:
        hidden_area.info("This hidden layer has a single unit: it maps the data onto a line, not a plane. "
                         "Use width 2 or more to see the hidden space.")
        return
    space, frames = xor_views.hidden_frames(snapshot.weights, config, dataset, choice)
    spec = xor_views.hidden_spec(space.axis_names, xor_views.point_size(config.n_points))
    charts.render(hidden_area, spec, **frames)
    hidden_caption.caption(f"Each input (x1, x2) placed at its values on {space.axis_names[0]} and "
                           f"{space.axis_names[1]}; shading is the output ŷ. {space.note}")


def draw_metrics(loss: float | None, accuracy: float | None, epoch: int, epochs: int, seconds: float | None) -> None:
    plateau = loss is not None and abs(loss - LN2) < 0.005
    metric_slots[0].metric("Loss", "–" if loss is None else f"{loss:.4f}" + (" ≈ ln 2" if plateau else ""))
    metric_slots[1].metric("Accuracy", "–" if accuracy is None else f"{accuracy:.2f}")
    metric_slots[2].metric("Epoch", f"{epoch:,} / {epochs:,}")
    metric_slots[3].metric("Time", "training…" if seconds is None else f"{seconds:.1f} s")


live_accuracy: tuple[list[int], list[float]] = ([], [])  # gathered from the frames while training
last_drawn = {"boundary": None, "anatomy": None}  # the snapshot epochs those views show
slow_views = Throttle()  # metrics, printout and anatomy: at most once a second while training


def draw(frame: Frame) -> None:
    """Redraw the live views while training (the finished run is drawn below)."""
    if frame.done:
        return
    if frame.accuracy is not None:
        live_accuracy[0].append(frame.epoch)
        live_accuracy[1].append(frame.accuracy)
    # The heatmap, diagram and hidden space only change with a new snapshot (~50 per run), and
    # they are the costly views (~20 ms and ~30 ms here, more in the browser): the heatmap is
    # redrawn only then, and the slower views at most once a second.
    new_snapshot = frame.snapshot is not None and frame.snapshot.epoch != last_drawn["boundary"]
    draw_boundary(frame.snapshot, frame.losses, *live_accuracy, heatmap=new_snapshot or last_drawn["boundary"] is None)
    if new_snapshot:
        last_drawn["boundary"] = frame.snapshot.epoch
    if not slow_views():
        return
    loss = float(frame.losses[-1]) if len(frame.losses) else None
    draw_metrics(loss, frame.accuracy, frame.epoch, frame.epochs, None)
    printout_area.code(xor_views.live_printout(frame.losses), language=None, height=320)
    if frame.snapshot is not None and frame.snapshot.epoch != last_drawn["anatomy"]:
        draw_anatomy(frame.snapshot, live=True)
        last_drawn["anatomy"] = frame.snapshot.epoch


def replay_ui(result) -> Snapshot:
    """The replay slider over the saved snapshots; returns the chosen snapshot."""
    epochs = [s.epoch for s in result.snapshots]
    state = st.session_state
    if state.get("xor._replay_for") != config or state.get("xor.replay") not in epochs:
        state["xor.replay"] = epochs[-1]  # a new run starts at its end
    state["xor._replay_for"] = config
    exit_epoch = xor_views.plateau_exit(result.losses)
    slider_column, button_column = replay_slot.columns([4, 1], vertical_alignment="bottom")
    if exit_epoch is not None:
        nearest = min(epochs, key=lambda e: abs(e - exit_epoch))
        button_column.button(f"Jump to epoch {nearest:,}", key="xor.jump", width="stretch",
                             help=f"The loss leaves the ln 2 plateau at epoch {exit_epoch:,}: the snapshot "
                                  f"nearest to it.", on_click=lambda: state.update({"xor.replay": nearest}))
    slider_column.select_slider("Replay: show the network at epoch", epochs, key="xor.replay",
                                format_func=lambda e: f"{e:,}", help="About 50 snapshots saved over the run: "
                                "the boundary, the diagram and the hidden space redraw at the chosen epoch.")
    return next(s for s in result.snapshots if s.epoch == state["xor.replay"])


def hidden_pickers_ui() -> None:
    """Which layer and which two units the hidden space shows (after training, so no run restarts)."""
    widths = config.model.hidden_widths
    choice = hidden_choice()
    if choice is None or max(widths) < 3 and depth == 1:
        st.session_state[HIDDEN_KEY] = choice
        return
    columns = hidden_pickers.columns(3)
    layer = columns[0].selectbox("Hidden layer", range(depth), index=choice.layer, key="xor.hidden_layer",
                                 format_func=lambda i: f"{i + 1} ({widths[i]} units)")
    names = [f"h{layer + 1}_{i + 1}" for i in range(widths[layer])]
    unit_a = min(choice.units[0], widths[layer] - 1)
    unit_b = min(choice.units[1], widths[layer] - 1)
    a = columns[1].selectbox("Horizontal unit", range(widths[layer]), index=unit_a, format_func=names.__getitem__,
                             key=f"xor.unit_a.{layer}")
    if unit_b == a:
        unit_b = (a + 1) % widths[layer]
    b = columns[2].selectbox("Vertical unit", range(widths[layer]), index=unit_b, format_func=names.__getitem__,
                             key=f"xor.unit_b.{layer}")
    st.session_state[HIDDEN_KEY] = HiddenChoice(layer, (a, b))


def show_replay_caption(result, snapshot) -> None:
    """What the replayed network did at its epoch (nothing when the slider is at the end)."""
    if snapshot is None or snapshot.epoch == result.snapshots[-1].epoch:
        return
    loss_there = float(result.losses[snapshot.epoch]) if snapshot.epoch < len(result.losses) else result.final_loss
    replay_slot.caption(f"Showing the network after **{snapshot.epoch:,}** of {len(result.losses):,} updates: "
                        f"loss {loss_there:.4f}, accuracy {xor_views.snapshot_accuracy(snapshot, config, dataset):.2f} "
                        f"(the dotted line on the charts). The numbers below are the trained network's.")


def show_printout(result) -> None:
    """The lecture script's output for this run, and its hypothesis as a table."""
    printout = lecture_printout(result)
    printout_area.code(printout.text(), language=None, height=320)
    if printout.hypothesis is not None and printout.show_points:
        inputs = dataset.inputs.numpy()
        table = pd.DataFrame({"x1": inputs[:, 0], "x2": inputs[:, 1], "Y (target)": printout.targets,
                              "Hypothesis ŷ": printout.hypothesis, "Predicted (ŷ > 0.5)": printout.predicted})
        caption = (f"**Accuracy: {printout.accuracy}** — the script's last line. Every 100th loss is on the left, "
                   f"as the lecture's script prints it.")
    elif printout.accuracy is not None:
        table = xor_views.corner_outputs(result.snapshots[-1].weights, config)
        caption = (f"**Accuracy on the {config.n_points} noisy points: {printout.accuracy:.4g}**. The script prints "
                   f"no hypothesis for so many points; the table shows the trained net at the four exact corners.")
    else:
        table, caption = None, "Training diverged: there is no trained network to print a hypothesis for."
    if table is not None:
        table_area.dataframe(table, hide_index=True, width="stretch",
                             column_config={c: st.column_config.NumberColumn(format="%.4f")
                                            for c in ("Hypothesis ŷ", "output ŷ")})
    table_caption.markdown(caption)


with status_slot:
    result = show_run(config, draw, key="xor")

if result is not None:
    log_slot.toggle("Loss on a log scale", key="xor.log_scale", help="Shows the slow fall after the plateau.")
    snapshot = None
    if result.snapshots:
        hidden_pickers_ui()
        snapshot = replay_ui(result)
    at_end = snapshot is None or snapshot.epoch == result.snapshots[-1].epoch
    draw_boundary(snapshot, result.losses, result.accuracy_epochs, result.accuracy_history,
                  marker=None if at_end else snapshot.epoch)
    draw_anatomy(snapshot)
    show_replay_caption(result, snapshot)
    draw_metrics(result.final_loss, result.accuracy, len(result.losses), config.training.epochs, result.seconds)
    show_printout(result)
    if snapshot is not None:
        with st.expander(f"Weights and biases at epoch {snapshot.epoch:,} (table)"):
            st.dataframe(pd.DataFrame(weights_table(snapshot.weights)), hide_index=True, width="stretch",
                         column_config={"weight": st.column_config.NumberColumn("value", format="%.5f")})
    if st.toggle("Seed sweep: train this architecture from 100 seeds at once", key="xor.show_sweep"):
        st.markdown("One run says whether *this* seed learned. The same settings from seeds 0–99, trained "
                    "together in one batched run, say **how often** this architecture learns the gate — the "
                    "2-2-1 net sits on the ln 2 plateau for a fair share of seeds.")
        sweeps.classification_panel(config, CONTROLS)
    export_panel(result, f"{gate}_" + "-".join(map(str, (2, *config.model.hidden_widths, 1))))
