"""Views derived once and shared by every session that shows them.

A page shows a run by deriving things from it: chart data as Arrow bytes, a heatmap, the network's
Graphviz source, the printout, the downloads. Fifty students on one link show the same run, so each
of those is computed once per run (or per live frame, or per config) and kept with it:

    loss = once(frame, "loss", lambda: charts.arrow_bytes(charts.loss_frame(frame.losses)))
    dataset = per_config(config, "dataset", lambda: dataset_for(config))

Every key holds the reader's language (mlp_core/i18n.py): a chart's title, a class name in its
data, a printout's words are the language's. `once` keeps a value as long as its owner lives (a finished run in the run store, a live frame
while it is the newest): the views of a run evicted from the store go with it, at most
MAX_VIEWS_PER_OWNER per owner (a replay slider asks for one per epoch shown). `per_config` keeps
the MAX_CONFIGS most recently used values. A name must say everything the value depends on
besides its owner (the replayed epoch, the chosen hidden units). Values are shared between
threads: never mutate one.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache, wraps
from typing import TypeVar

from mlp_core.i18n import current

T = TypeVar("T")

MAX_VIEWS_PER_OWNER = 64
MAX_CONFIGS = 256

# id(owner) -> (a weak reference to it, its views): by identity, as numpy arrays (a run's losses)
# are owners too and have no hash. The entry goes when its owner does.
_views: dict[int, tuple[weakref.ref, OrderedDict]] = {}
_by_config: OrderedDict[Hashable, object] = OrderedDict()
# One lock: a value being computed is waited for, not computed again by the next session (the
# computations are short and hold the GIL anyway, so sessions lose nothing by taking turns).
_lock = threading.RLock()


def once(owner: object, name: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` the first time this owner is asked for `name`, the same value afterwards."""
    name = (current(), name)  # what a view says depends on the reader's language
    with _lock:
        entry = _views.get(id(owner))
        if entry is None or entry[0]() is not owner:
            entry = _views[id(owner)] = (weakref.ref(owner, _forget), OrderedDict())
        views = entry[1]
        if name in views:
            views.move_to_end(name)
            return views[name]
        value = compute()
        views[name] = value
        if len(views) > MAX_VIEWS_PER_OWNER:
            views.popitem(last=False)
        return value


def _forget(reference: weakref.ref) -> None:
    """The owner is gone: so are its views (unless its id already belongs to a newer owner)."""
    with _lock:
        for key, (ref, _) in list(_views.items()):
            if ref is reference:
                del _views[key]
                return


def per_config(config: Hashable, name: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per (config, name) among the most recently used MAX_CONFIGS."""
    key = (current(), config, name)
    with _lock:
        if key in _by_config:
            _by_config.move_to_end(key)
            return _by_config[key]  # type: ignore[return-value]
        value = compute()
        _by_config[key] = value
        while len(_by_config) > MAX_CONFIGS:
            _by_config.popitem(last=False)
        return value


def shared_cache(maxsize: int = 64) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """`functools.lru_cache` for values every session asks for at once (chart specs): the first
    caller computes, the others wait for it. With a bare lru_cache, twenty students opening a fresh
    link built the same Altair spec twenty times over (~0.1 s each, all in one GIL)."""
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        cached = lru_cache(maxsize=maxsize)(lambda language, *args, **kwargs: function(*args, **kwargs))
        lock = threading.Lock()

        @wraps(function)
        def wrapper(*args, **kwargs) -> T:
            with lock:
                return cached(current(), *args, **kwargs)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


def clear() -> None:
    """Forget everything (tests start from nothing)."""
    with _lock:
        _views.clear()
        _by_config.clear()
