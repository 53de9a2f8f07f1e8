"""Inline SVG bar charts drawn on the server from report rows: no JavaScript, no CDN.

Each bar is a `<rect class="bar">` with a `<title>` (the browser's tooltip) giving the exact
value. Geometry is computed in floats; the values shown are the reports' own Decimals.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
HEIGHT = 240
MARGIN_LEFT = 64
MARGIN_BOTTOM = 28
MARGIN_TOP = 12
BAR_COLOUR = "#2c7fb8"


def _n(number: float) -> str:
    """A coordinate as SVG text, one decimal."""
    return f"{number:.1f}"


@dataclass(frozen=True)
class Bar:
    key: str  # the bar's data-key: a day or a category
    label: str
    value: Decimal
    caption: str  # the tooltip


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {} {}" '
        'font-family="sans-serif" font-size="11"><title>{}</title>',
        width,
        height,
        title,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every part was escaped as it was built


def daily_bars_svg(*, title: str, bars: Sequence[Bar], date_from: date, date_to: date) -> SafeString:
    """Vertical bars on a day axis from `date_from` to `date_to`; days without a bar stay empty."""
    days = (date_to - date_from).days + 1
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / days
    top = max((bar.value for bar in bars), default=Decimal(0))
    body = [_value_axis(top, plot_height)]
    for bar in bars:
        index = (date.fromisoformat(bar.key) - date_from).days
        height = float(bar.value / top) * plot_height if top > 0 else 0.0
        body.append(
            format_html(
                '<rect class="bar" data-key="{}" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}</title></rect>",
                bar.key,
                _n(MARGIN_LEFT + index * slot + slot * 0.1),
                _n(MARGIN_TOP + plot_height - height),
                _n(max(slot * 0.8, 1.0)),
                _n(height),
                BAR_COLOUR,
                bar.caption,
            )
        )
    step = max(1, days // 8)
    for index in range(0, days, step):
        day = date_from + timedelta(days=index)
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(MARGIN_LEFT + (index + 0.5) * slot),
                HEIGHT - 8,
                day.strftime("%d %b"),
            )
        )
    return _svg(WIDTH, HEIGHT, title, body)


def horizontal_bars_svg(*, title: str, bars: Sequence[Bar]) -> SafeString:
    """One horizontal bar per row, labelled on the left, longest for the largest value."""
    row_height = 24
    label_width = 160
    height = max(1, len(bars)) * row_height + 8
    plot_width = WIDTH - label_width - 90
    top = max((bar.value for bar in bars), default=Decimal(0))
    body = []
    for row, bar in enumerate(bars):
        y = 4 + row * row_height
        length = float(bar.value / top) * plot_width if top > 0 else 0.0
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar" data-key="{}" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}</title></rect>"
                '<text x="{}" y="{}">{}</text>',
                label_width - 6,
                y + 15,
                bar.label[:28],
                bar.key,
                label_width,
                y + 3,
                _n(length),
                row_height - 6,
                BAR_COLOUR,
                bar.caption,
                _n(label_width + length + 4),
                y + 15,
                str(bar.value),
            )
        )
    return _svg(WIDTH, height, title, body)


def _value_axis(top: Decimal, plot_height: int) -> str:
    lines = []
    for fraction in (0, 0.5, 1):
        y = MARGIN_TOP + plot_height * (1 - fraction)
        label = (top * Decimal(str(fraction))).quantize(Decimal("1")) if top else 0
        lines.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{}</text>',
                MARGIN_LEFT,
                WIDTH - 8,
                _n(y),
                _n(y),
                MARGIN_LEFT - 6,
                _n(y + 4),
                escape(str(label)),
            )
        )
    return "".join(lines)
