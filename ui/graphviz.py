"""One Graphviz (DOT) writer for every lesson's graphs: statements, attribute lists and quoting.

The lessons decide what to draw (lessons/xor/diagram.py: a network with its weights;
lessons/backprop/diagram.py: a computational graph of HTML-table nodes); this module writes it.
Values are quoted as DOT strings, except numbers, plain identifiers (LR, circle) and HTML labels
(`<...>`), which DOT takes as they are.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Attributes = Mapping[str, object]


def quote(text: object) -> str:
    """A DOT string literal (quotes escaped; a backslash-n already in the text stays a line break)."""
    return '"' + str(text).replace('"', '\\"') + '"'


def attributes(values: Attributes) -> str:
    """`key=value, …` for an attribute list (see the module docstring for what is quoted)."""
    def value(item: object) -> str:
        text = str(item)
        bare = isinstance(item, (int, float)) or IDENTIFIER.fullmatch(text) or text.startswith("<") and text.endswith(">")
        return text if bare else quote(text)
    return ", ".join(f"{key}={value(item)}" for key, item in values.items())


def node(node_id: str, values: Attributes) -> str:
    """A node statement; `node_id` as DOT reads it (`quote` a name that is not a plain identifier)."""
    return f"{node_id} [{attributes(values)}];"


def edge(source: str, target: str, values: Attributes | None = None) -> str:
    """An edge statement between two node ids (as for `node`)."""
    return f"{source} -> {target}" + (f" [{attributes(values)}];" if values else ";")


def same_rank(node_ids: Iterable[str]) -> str:
    """A subgraph statement putting the nodes on one rank (one column of a left-to-right graph)."""
    return "{rank=same; " + " ".join(f"{node_id};" for node_id in node_ids) + "}"


def digraph(statements: Iterable[str], *, name: str = "", graph: Attributes, node: Attributes,
            edge: Attributes) -> str:
    """A whole directed graph: its defaults for the graph, nodes and edges, then the statements."""
    head = [f"digraph {name + ' ' if name else ''}{{", f"  graph [{attributes(graph)}];",
            f"  node [{attributes(node)}];", f"  edge [{attributes(edge)}];"]
    return "\n".join(head + [f"  {line}" for line in statements] + ["}"]) + "\n"
