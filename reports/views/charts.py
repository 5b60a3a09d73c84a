"""The sub-units' gaps to their targets as a bar chart drawn on the server (SVG): one row per sub-unit (or
officer), a bar for việc and one for tiền, left of the zero line when below the target, right when above.
The sub-unit table under it is the chart's table."""
import math
from dataclasses import dataclass

LABEL_WIDTH = 230  # the row labels, left of the plot
PLOT_WIDTH = 430
PAD = 48  # room for the value beside a bar, on either side of the plot
ROW_HEIGHT = 30
BAR_HEIGHT = 11
TOP = 24  # the axis labels above the rows
MIN_SCALE = 10.0  # points: the axis never spans less than 10


def _fmt(value: float) -> str:
    # Coordinates with a decimal point: a template would localise a float ("12,5" in Vietnamese).
    return f"{value:.1f}"


@dataclass
class Bar:
    kind: str  # "cases" or "money"
    x: str
    y: str
    width: str
    band: str
    gap: float
    text_x: str
    anchor: str


@dataclass
class Row:
    key: str
    label: str
    full_label: str
    y: str
    bars: list[Bar]


@dataclass
class GapChart:
    width: int
    height: int
    zero_x: str
    label_x: str
    axis: list[tuple[str, str]]  # (label, x)
    rows: list[Row]


# Words that name the kind of an area: a label keeps them ("khu vực 6", not "6").
KIND_WORDS = {"khu", "vực", "huyện", "quận", "thành", "phố", "thị", "xã", "tỉnh"}


def short_labels(labels: list[str]) -> list[str]:
    """The labels without the words they all begin with ("Chi cục Thi hành án dân sự huyện A", "… thành phố B"
    → "huyện A", "thành phố B"), so that the rows of a chart differ where they are read first."""
    words = [label.split() for label in labels]
    if len(words) < 2:
        return labels
    common = 0
    while all(len(w) > common + 1 for w in words) and len({w[common] for w in words}) == 1:
        common += 1
    while common and words[0][common - 1].lower() in KIND_WORDS:  # keep "khu vực" of "khu vực 6"
        common -= 1
    return [" ".join(w[common:]) for w in words] if common >= 4 else labels  # a long common title, not a name


def gap_chart(rows: list[dict]) -> GapChart | None:
    """The chart of the sub-table's rows (reports.views.dashboard._table_row dicts), or None when no row has
    a target to measure against."""
    gaps = [row[metric]["gap"] for row in rows for metric in ("cases_metric", "money_metric")
            if row[metric]["gap"] is not None]
    if not gaps:
        return None
    # The axis fits the gaps, each side a multiple of 10 points: with every unit above its target the zero
    # line stands at the left of the plot and the bars use its whole width (a symmetric axis left half of it
    # empty, and on a phone the bars began beyond the screen's edge).
    low = 0.0 - float(math.ceil(max(0.0, -min(gaps)) / 10) * 10)
    high = float(math.ceil(max(0.0, max(gaps)) / 10) * 10)
    if high == low:  # every gap 0 (each side is 0 or at least 10 points otherwise)
        high = MIN_SCALE
    span = high - low
    zero = LABEL_WIDTH + PAD + -low / span * PLOT_WIDTH

    def x_of(value: float) -> float:
        return zero + value / span * PLOT_WIDTH

    chart_rows = []
    labels = short_labels([str(row["label"]) for row in rows])
    for index, row in enumerate(rows):
        top = TOP + index * ROW_HEIGHT + 3
        bars = []
        for offset, (kind, metric) in enumerate((("cases", "cases_metric"), ("money", "money_metric"))):
            value = row[metric]["gap"]
            if value is None:
                continue
            left, right = sorted((zero, x_of(value)))
            positive = value >= 0
            bars.append(Bar(kind=kind, x=_fmt(left), y=_fmt(top + offset * (BAR_HEIGHT + 2)),
                            width=_fmt(max(right - left, 1.0)), band=row[metric]["band"], gap=value,
                            text_x=_fmt(right + 4 if positive else left - 4), anchor="start" if positive else "end"))
        chart_rows.append(Row(key=str(row["key"]), label=labels[index], full_label=str(row["label"]),
                              y=_fmt(top + BAR_HEIGHT + 1), bars=bars))
    step = 10.0 if span <= 60 else 20.0
    ticks = [low + index * step for index in range(int(span // step) + 1)]
    if 0.0 not in ticks:
        ticks = sorted({*ticks, 0.0})
    return GapChart(width=LABEL_WIDTH + PLOT_WIDTH + 2 * PAD, height=TOP + len(rows) * ROW_HEIGHT + 6,
                    zero_x=_fmt(zero), label_x=_fmt(LABEL_WIDTH - 8),
                    axis=[(f"{tick:+.0f}".replace("+0", "0"), _fmt(x_of(tick))) for tick in ticks], rows=chart_rows)
