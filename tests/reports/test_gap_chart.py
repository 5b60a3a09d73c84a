"""The sub-units' gap chart (reports/views/charts.py): its axis fits the gaps, each side a multiple of 10 points."""
from reports.views.charts import LABEL_WIDTH, PAD, PLOT_WIDTH, gap_chart


def row(cases, money, key="A"):
    return {"key": key, "label": f"Chi cục Thi hành án dân sự huyện {key}",
            "cases_metric": {"gap": cases, "band": "ok"}, "money_metric": {"gap": money, "band": "ok"}}


def axis_labels(chart):
    return [label for label, _x in chart.axis]


def test_when_every_unit_is_above_target_the_zero_line_is_the_plots_left_edge():
    chart = gap_chart([row(1.11, 18.04), row(0.05, 23.33, key="B")])
    assert float(chart.zero_x) == LABEL_WIDTH + PAD
    assert axis_labels(chart) == ["0", "+10", "+20", "+30"]
    # the longest bar, +23.33 of 30 points, takes that share of the plot
    longest = max(float(bar.width) for r in chart.rows for bar in r.bars)
    assert round(longest, 1) == round(23.33 / 30 * PLOT_WIDTH, 1)


def test_when_every_unit_is_below_target_the_zero_line_is_the_plots_right_edge():
    chart = gap_chart([row(-3, -12)])
    assert float(chart.zero_x) == LABEL_WIDTH + PAD + PLOT_WIDTH
    assert axis_labels(chart) == ["-20", "-10", "0"]


def test_gaps_on_both_sides_give_each_side_its_own_length():
    chart = gap_chart([row(-4, 25)])
    assert axis_labels(chart) == ["-10", "0", "+10", "+20", "+30"]
    assert float(chart.zero_x) == LABEL_WIDTH + PAD + PLOT_WIDTH / 4


def test_every_gap_zero_still_draws_a_ten_point_axis_and_no_gap_no_chart():
    assert axis_labels(gap_chart([row(0, 0)])) == ["0", "+10"]
    assert gap_chart([row(None, None)]) is None
