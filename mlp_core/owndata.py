"""Data of one's own: points read strictly from CSV text (or a table), kept as a frozen PointSet.

A PointSet is a value of the config (`DataConfig.points`): runs on it are keyed by its digest, a
SHA-256 of its points, so the run store and the trainer pool share them as any other run. Hashing
and comparing a config costs the same for 5,000 points as for 4: the hash is worked out once.

Two kinds: "xy" (columns x, y: a regression's points) and "labels" (columns x1, x2, label: a
classification's, labels 0 or 1). The parser only reads text in memory: a file is never executed,
unpickled or written anywhere. Every refusal is a `DataError` (a ValueError) whose message names
the row and the column, in the reader's language. No Streamlit, no torch.

A set of at most URL_POINTS points travels in a link (`to_text`); a larger one is written as its
digest, which a link can only name while this server process still holds the set (`remember`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import threading
from collections import OrderedDict
from typing import Any, Iterable, Sequence

from .i18n import _, ngettext

KINDS = ("xy", "labels")
COLUMNS = {"xy": ("x", "y"), "labels": ("x1", "x2", "label")}
MAX_BYTES = 1_000_000  # 1 MB
MAX_ROWS = 5000
MIN_POINTS = 4
MAX_ABS = 1e6  # coordinates beyond this are not a lecture's data, and float32 training overflows on them
URL_POINTS = 50  # at most this many points travel in a link
URL_CHARS = 4000  # the longest link value a page reads for `points` (50 points of 3 long numbers fit)
REGISTRY_SIZE = 64  # data sets this process keeps by digest (a link to a large set names its digest)


class DataError(ValueError):
    """Data that cannot be used; the message says where (row, column) and why."""


class PointSet:
    """Points of one kind, immutable; equal and hashed by kind and digest (cheap on every rerun)."""

    __slots__ = ("kind", "rows", "digest", "_hash")

    def __init__(self, kind: str, rows: Iterable[Sequence[float]]) -> None:
        if kind not in KINDS:
            raise DataError(_("unknown kind of data {kind}.", kind=repr(kind)))
        rows = tuple(tuple(float(v) for v in row) for row in rows)
        canonical = kind + "\n" + "\n".join(",".join(v.hex() for v in row) for row in rows)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "digest", hashlib.sha256(canonical.encode()).hexdigest())
        object.__setattr__(self, "_hash", hash((kind, self.digest)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a PointSet is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PointSet) and other.kind == self.kind and other.digest == self.digest

    def __hash__(self) -> int:
        return self._hash

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"PointSet({self.kind!r}, {len(self.rows)} points, {self.digest[:12]})"

    def __reduce__(self):  # picklable (a worker process), rebuilt from its points
        return PointSet, (self.kind, self.rows)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS[self.kind]

    @property
    def inputs(self) -> tuple[tuple[float, ...], ...]:
        return tuple(row[:-1] for row in self.rows)

    @property
    def targets(self) -> tuple[tuple[float], ...]:
        return tuple(row[-1:] for row in self.rows)

    @property
    def in_link(self) -> bool:
        """Whether a link carries the points themselves (else only the digest)."""
        return len(self.rows) <= URL_POINTS

    def to_text(self) -> str:
        """The set as a link writes it: 'xy:1,2;3,4.5' for a small set, '#<digest>' for a large one."""
        if not self.in_link:
            return "#" + self.digest
        return self.kind + ":" + ";".join(",".join(_short(v) for v in row) for row in self.rows)

    def to_csv(self) -> str:
        """The set as CSV text with its header (what `parse_csv` reads back)."""
        return ",".join(self.columns) + "\n" + "".join(",".join(_short(v) for v in row) + "\n" for row in self.rows)

    @classmethod
    def from_text(cls, text: str) -> PointSet | None:
        """Read what `to_text` wrote (or 'none'); a DataError says what is wrong."""
        text = text.strip()
        if text.lower() in ("", "none"):
            return None
        if text.startswith("#"):
            found = lookup(text[1:])
            if found is None:
                raise DataError(_("names a data set of more than {most} points that this server no longer "
                                  "holds (a link carries only up to {most} points); upload the file again",
                                  most=URL_POINTS))
            return found
        kind, colon, body = text.partition(":")
        if not colon or kind not in KINDS:
            raise DataError(_("is not a data set (it should start with `xy:` or `labels:`)"))
        rows = [cell.split(",") for cell in body.split(";") if cell.strip()]
        if len(rows) > URL_POINTS:
            raise DataError(_("has more than {most} points; a link carries at most {most}", most=URL_POINTS))
        return remember(points_from_table(kind, rows, first_row=1))


def _short(value: float) -> str:
    """The shortest text that reads back as exactly this float ('1' for 1.0)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


# --- the strict parser ----------------------------------------------------------------------

def parse_csv(data: bytes | str, kind: str) -> PointSet:
    """A PointSet from CSV bytes or text with a header row naming the kind's columns (any order).

    Refuses, with a DataError naming row and column: a file over MAX_BYTES, binary or non-UTF-8
    content, a missing, unknown or repeated column, a row with too many or too few cells, a cell
    that is not a number, NaN or infinity, a coordinate beyond ±MAX_ABS, a label other than 0/1,
    fewer than MIN_POINTS or more than MAX_ROWS points. Rows are numbered as a spreadsheet shows the
    file: the header is row 1.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise DataError(_("The file has {size:,} bytes; at most {most:,} (1 MB) are read.", size=size,
                          most=MAX_BYTES))
    if isinstance(data, bytes):
        if b"\x00" in data:
            raise DataError(_("This is not a CSV file: it holds binary data (a zero byte at byte {at:,}).",
                              at=data.index(b"\x00") + 1))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DataError(_("This is not a CSV file in UTF-8: byte {at:,} (row {row}) is not UTF-8 text. Save it "
                              "as \"CSV UTF-8\".", at=error.start + 1, row=data.count(b"\n", 0, error.start) + 1)) from None
    if "\x00" in data:
        raise DataError(_("This is not a CSV file: it holds binary data (a zero byte at byte {at:,}).",
                          at=data.index("\x00") + 1))
    try:
        lines = list(csv.reader(io.StringIO(data.lstrip("\ufeff"), newline="")))
    except csv.Error as error:
        raise DataError(_("This is not a CSV file: {error}.", error=error)) from None
    numbered = [(number, row) for number, row in enumerate(lines, start=1) if any(cell.strip() for cell in row)]
    wanted = COLUMNS[kind]
    if not numbered:
        raise DataError(_("The file is empty: it needs a header row {header} and at least {least} points.",
                          header=",".join(wanted), least=MIN_POINTS))
    header_row, header = numbered[0]
    names = [cell.strip().lower() for cell in header]
    order = _column_order(names, wanted, header_row)
    rows = []
    for number, row in numbered[1:]:
        if len(rows) >= MAX_ROWS:
            raise DataError(_("The file has more than {most:,} points (row {row} is point {count:,}); at most "
                              "{most:,} are read.", most=MAX_ROWS, row=number, count=MAX_ROWS + 1))
        if len(row) != len(names):
            raise DataError(_("Row {row} has {count} cells; the header has {columns} ({header}).", row=number,
                              count=len(row), columns=len(names), header=",".join(names)))
        rows.append((number, [row[order[name]] for name in wanted]))
    return _points(kind, rows)


def points_from_table(kind: str, rows: Sequence[Sequence[Any]], first_row: int = 1) -> PointSet:
    """A PointSet from a table's rows (cells in the kind's column order), with the same checks as
    `parse_csv`; rows are numbered from `first_row`. Rows with every cell empty are skipped (a row
    just added in an editor)."""
    numbered = []
    for number, row in enumerate(rows, start=first_row):
        cells = list(row)
        if all(_empty(cell) for cell in cells):
            continue
        if len(cells) != len(COLUMNS[kind]):
            raise DataError(_("Row {row} has {count} cells; the header has {columns} ({header}).", row=number,
                              count=len(cells), columns=len(COLUMNS[kind]), header=",".join(COLUMNS[kind])))
        numbered.append((number, cells))
    if len(numbered) > MAX_ROWS:
        raise DataError(_("The file has more than {most:,} points (row {row} is point {count:,}); at most "
                          "{most:,} are read.", most=MAX_ROWS, row=numbered[MAX_ROWS][0], count=MAX_ROWS + 1))
    return _points(kind, numbered)


def _column_order(names: list[str], wanted: tuple[str, ...], row: int) -> dict[str, int]:
    header = ",".join(wanted)
    for index, name in enumerate(names):
        if not name:
            raise DataError(_("Row {row} (the header), column {column}: a column has no name; the header must "
                              "be {header}.", row=row, column=index + 1, header=header))
        if name not in wanted:
            raise DataError(_("Row {row} (the header), column {column}: {name} is not a column of this data; the "
                              "header must be {header}.", row=row, column=index + 1, name=repr(name), header=header))
        if names.index(name) != index:
            raise DataError(_("Row {row} (the header), column {column}: {name} appears twice.", row=row,
                              column=index + 1, name=repr(name)))
    missing = [name for name in wanted if name not in names]
    if missing:
        raise DataError(_("Row {row} (the header): the column {name} is missing; the header must be {header}.",
                          row=row, name=repr(missing[0]), header=header))
    return {name: names.index(name) for name in wanted}


def _empty(cell: Any) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):  # an editor's empty cell
        return True
    return isinstance(cell, str) and not cell.strip()


def _points(kind: str, numbered: list[tuple[int, Sequence[Any]]]) -> PointSet:
    wanted = COLUMNS[kind]
    rows = []
    for number, cells in numbered:
        values = []
        for name, cell in zip(wanted, cells):
            values.append(_number(cell, number, name, label=name == "label"))
        rows.append(values)
    if len(rows) < MIN_POINTS:
        raise DataError(ngettext_points(len(rows)))
    return PointSet(kind, rows)


def ngettext_points(count: int) -> str:
    """Too few points, in the reader's language."""
    return ngettext("There is {count} point; at least {least} are needed.",
                    "There are {count} points; at least {least} are needed.", count, count=count, least=MIN_POINTS)


def _number(cell: Any, row: int, column: str, label: bool) -> float:
    shown = repr(cell.strip()) if isinstance(cell, str) else repr(cell)
    if _empty(cell):
        raise DataError(_("Row {row}, column {column}: the cell is empty.", row=row, column=column))
    if isinstance(cell, bool):
        raise DataError(_("Row {row}, column {column}: {value} is not a number.", row=row, column=column,
                          value=shown))
    try:  # a string as a number person writes it (float() would also take '1_000' and ' nan ')
        value = float(cell) if not isinstance(cell, str) or "_" not in cell else None
    except (TypeError, ValueError, OverflowError):
        value = None
    if value is None:
        raise DataError(_("Row {row}, column {column}: {value} is not a number.", row=row, column=column,
                          value=shown))
    if not math.isfinite(value):
        raise DataError(_("Row {row}, column {column}: {value} is not a finite number (NaN and infinity are "
                          "not data).", row=row, column=column, value=shown))
    if label and value not in (0.0, 1.0):
        raise DataError(_("Row {row}, column {column}: {value} is not a label; a label is 0 or 1.", row=row,
                          column=column, value=shown))
    if abs(value) > MAX_ABS:
        raise DataError(_("Row {row}, column {column}: {value} is too large; values lie between −{most:g} and "
                          "{most:g}.", row=row, column=column, value=shown, most=MAX_ABS))
    return value


# --- the process-wide registry: a large set named by its digest -----------------------------

_registry: OrderedDict[str, PointSet] = OrderedDict()
_registry_lock = threading.Lock()


def remember(points: PointSet | None) -> PointSet | None:
    """Keep `points` by digest (the most recent REGISTRY_SIZE sets), so a link naming it finds it."""
    if points is not None:
        with _registry_lock:
            _registry[points.digest] = points
            _registry.move_to_end(points.digest)
            while len(_registry) > REGISTRY_SIZE:
                _registry.popitem(last=False)
    return points


def lookup(digest: str) -> PointSet | None:
    """The set with this digest (or the first 12 or more of its digits, as a pin writes it) if this
    process still holds it."""
    digest = digest.strip().lower()
    with _registry_lock:
        if digest in _registry or len(digest) < 12:
            return _registry.get(digest)
        found = [points for key, points in _registry.items() if key.startswith(digest)]
        return found[0] if len(found) == 1 else None
