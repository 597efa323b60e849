"""What a reader reads on a page rendered by AppTest, and the checks of the Korean UI on it:
no English prose left in Korean (code, formulas and names aside), no Hangul in English.

    texts = readable_texts(at)            # every label, text, help, option, chart title, legend…
    assert english_words(texts) == set()  # in Korean
    assert hangul(texts) == []            # in English
"""

from __future__ import annotations

import json
import re

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
WORD = re.compile(r"(?<![\w.\\{`])[A-Za-z][a-z]{2,}(?![\w(`}])")

# Words that stay in Latin letters in the Korean UI, as the lecture notes write them: code, library,
# class and method names, the lecture script's own printout, units and the names of things.
ALLOWED = {
    "PyTorch", "Torch", "Adam", "RMSprop", "Momentum", "ReLU", "Leaky", "GELU", "SiLU", "Softplus", "Tanh",
    "Sigmoid", "Identity", "Linear", "Sequential", "BCELoss", "MSELoss", "L1Loss", "Python", "Streamlit",
    "Hypothesis", "Accuracy", "Graphviz", "Vega", "CSV", "MLP", "XOR", "AND", "OR",
    "SGD", "BCE", "MSE", "SSE", "GPU", "CPU", "CUDA", "NaN", "inf", "Inf", "nan", "exp", "log", "tanh", "sigmoid",
    "relu", "softplus", "gelu", "silu", "identity", "leaky_relu", "sgd", "adam", "rmsprop", "momentum", "bce",
    "mse", "sse", "torch", "optim", "zero_grad", "backward", "step", "forward", "grad", "requires_grad", "item",
    "numpy", "tensor", "Tensor", "float", "int", "True", "False", "None", "self", "def", "return", "import",
    "print", "range", "for", "with", "and", "not", "max", "min", "sum", "mean", "abs", "sqrt", "Parameter",
    "English", "seed", "manual_seed", "lr", "MLP", "Lab", "ASCII",
    "none",  # what the layer-widths box takes for "no hidden layer"
    "sin",  # the function, as a formula writes it (sin x, like exp and log)
}


def readable_texts(at) -> list[str]:
    """Every string a reader sees on the page: element texts, labels, help, options, placeholders,
    chart titles, axis titles, legends and text data, diagram labels (code blocks and formulas left
    out: they stay as they are in both languages)."""
    texts: list[str] = []
    for root in (at.main, at.sidebar):
        for element in _walk(root):
            proto = getattr(element, "proto", None)
            kind = getattr(element, "type", "")
            if proto is None or kind in ("code",):
                continue
            if kind == "vega_lite_chart":
                texts += _chart_texts(proto)
            elif kind in ("arrow_data_frame", "dataframe", "table"):
                texts += _table_texts(proto)
            elif kind == "graphviz_chart":
                texts += _graph_texts(proto.spec)
            else:
                texts += _proto_strings(proto)
    texts = [re.sub(r"<script\b.*?</script>", " ", text, flags=re.S) for text in texts]  # scripts are code
    return [text for text in texts if text.strip()]


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values() if isinstance(getattr(node, "children", None), dict) \
            else getattr(node, "children", []) or []:
        yield from _walk(child)


SKIPPED_FIELDS = {"id", "form_id", "key", "url", "spec", "data", "icon", "type", "element_id", "deferred_file_id",
                  "file_name", "mime", "language", "default", "theme",
                  "selection_mode", "style", "width", "height", "format", "block_type", "avatar", "divider"}


def _proto_strings(proto) -> list[str]:
    found = []
    for field, value in proto.ListFields():
        if field.name in SKIPPED_FIELDS:
            continue
        repeated = not isinstance(value, (str, bytes)) and hasattr(value, "__len__") and \
            not hasattr(value, "ListFields")
        if field.type == field.TYPE_STRING:
            found += list(value) if repeated else [value]
        elif field.type == field.TYPE_MESSAGE:
            for item in (value if repeated else [value]):
                found += _proto_strings(item)
    return found


def _chart_texts(proto) -> list[str]:
    spec = json.loads(proto.spec)
    texts: list[str] = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("title", "text", "subtitle") and isinstance(v, str):
                    texts.append(v)
                elif k in ("title", "subtitle") and isinstance(v, list):
                    texts.extend(t for t in v if isinstance(t, str))
                else:
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
            if key == "domain":
                texts.extend(v for v in node if isinstance(v, str))

    walk(spec)
    import pyarrow as pa

    shown = set(re.findall(r'"field":\s*"([^"]+)"', proto.spec))  # columns an encoding draws (not filters)
    for dataset in proto.datasets:
        table = pa.ipc.open_stream(dataset.data.data).read_all()
        for name, column in zip(table.column_names, table.columns):
            if name in shown and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                texts += [value for value in column.to_pylist() if isinstance(value, str)]
    return texts


def _table_texts(proto) -> list[str]:
    """A dataframe's column titles (its column config's labels, else the Arrow names) and text cells."""
    import pyarrow as pa

    texts = [proto.placeholder] if getattr(proto, "placeholder", "") else []
    labels = {}
    if getattr(proto, "columns", ""):
        for name, config in json.loads(proto.columns).items():
            if isinstance(config, dict) and isinstance(config.get("label"), str):
                labels[name] = config["label"]
            if isinstance(config, dict) and isinstance(config.get("help"), str):
                texts.append(config["help"])
    table = pa.ipc.open_stream(proto.arrow_data.data).read_all()
    for name, column in zip(table.column_names, table.columns):
        if name.startswith("__index_level"):
            continue
        texts.append(labels.get(name, name))
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            texts += [value for value in column.to_pylist() if isinstance(value, str)]
    return texts


def _graph_texts(dot: str) -> list[str]:
    labels = re.findall(r'(?:label|tooltip|xlabel)\s*=\s*(<(?:[^<>]|<[^<>]*>)*>|"(?:[^"\\]|\\.)*")', dot)
    return [re.sub(r"<[^>]*>", " ", label[1:-1]) for label in labels]  # <…> or "…": only the outer pair


def english_words(texts: list[str], allowed: set[str] = frozenset()) -> set[str]:
    """English words (3+ letters) in these texts that are not code, names or formulas."""
    words = set()
    for text in texts:
        text = re.sub(r"`[^`]*`", " ", text)  # inline code
        text = re.sub(r"'[^'\s][^']*'", " ", text)  # a value from the link, quoted as it was given
        text = re.sub(r"\$[^$]*\$", " ", text)  # inline math
        text = re.sub(r"https?://\S+", " ", text)
        words |= {word for word in WORD.findall(text)}
    return {word for word in words if word not in ALLOWED and word not in allowed}


def hangul(texts: list[str]) -> list[str]:
    return [text for text in texts if HANGUL.search(text)]
