"""Small SVG charts drawn on the server: no JavaScript, no CDN, printable, readable without a browser plug-in.

Steps: choose a "nice" scale for the largest value (1, 2 or 5 × 10ⁿ per gridline), draw the gridlines and their
labels, then one group of bars per month (grouped bar chart) or one polyline per series (line chart), the month
labels and a legend. Every bar and point carries a <title> so its exact value shows on hover and to screen readers.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
PALETTE = ["#417690", "#79aec8", "#e5a13a", "#ba2121", "#5b8c5a"]


@dataclass
class Series:
    label: str
    values: list


def _nice_step(maximum, lines=5):
    if maximum <= 0:
        return 1
    raw = maximum / lines
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _number(value):
    """An axis label: 1.5万 in Chinese, 15k / 1.5M in English."""
    value = float(value)
    if translation.get_language() == "en":
        for size, unit in ((1_000_000, "M"), (1000, "k")):
            if value >= size:
                return f"{value / size:g}{unit}"
        return f"{value:g}"
    if value >= 10000:
        return f"{value / 10000:g}万"
    return f"{value:g}"


def _frame(title, labels, series, maximum):
    step = _nice_step(maximum)
    top_value = step * max(1, math.ceil(maximum / step))
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-label="{}" class="trend-chart"><title>{}</title>',
            WIDTH, HEIGHT, title, title,
        )
    ]
    ticks = int(round(top_value / step))
    for i in range(ticks + 1):
        y = TOP + plot_h - plot_h * i / ticks
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{}</text>',
                LEFT, _f(y), WIDTH - RIGHT, _f(y), LEFT - 6, _f(y + 4), _number(step * i),
            )
        )
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for i, label in enumerate(labels):
        x = LEFT + slot * (i + 0.5)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>',
                _f(x), HEIGHT - BOTTOM + 16, label,
            )
        )
    for i, s in enumerate(series):
        x = LEFT + i * 150
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" fill="#333">{}</text>',
                x, HEIGHT - 18, PALETTE[i % len(PALETTE)], x + 16, HEIGHT - 8, s.label,
            )
        )
    return parts, top_value, slot, plot_h


def bar_chart(title, labels, series):
    """Grouped bars: one group per label (month), one bar per series."""
    maximum = max([float(v) for s in series for v in s.values] or [0])
    parts, top_value, slot, plot_h = _frame(title, labels, series, maximum)
    bar_w = slot * 0.8 / max(1, len(series))
    for i, _label in enumerate(labels):
        for j, s in enumerate(series):
            value = float(s.values[i])
            h = plot_h * value / top_value
            x = LEFT + slot * i + slot * 0.1 + bar_w * j
            parts.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} {}: {}</title></rect>",
                    _f(x), _f(TOP + plot_h - h), _f(bar_w), _f(h), PALETTE[j % len(PALETTE)], labels[i], s.label,
                    _plain(s.values[i]),
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def line_chart(title, labels, series):
    """One line per series, a dot per month."""
    maximum = max([float(v) for s in series for v in s.values] or [0])
    parts, top_value, slot, plot_h = _frame(title, labels, series, maximum)
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        points = [
            (LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * float(v) / top_value) for i, v in enumerate(s.values)
        ]
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>',
                colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
            )
        )
        for (x, y), label, value in zip(points, labels, s.values, strict=True):
            parts.append(
                format_html(
                    '<circle class="point" cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {}</title></circle>',
                    _f(x), _f(y), colour, label, s.label, _plain(value),
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def _f(value):
    """Coordinates as text (format_html escapes its arguments, so numbers are formatted first)."""
    return f"{value:.1f}"


def _plain(value):
    if isinstance(value, Decimal):
        return escape(f"{value:,.2f}")
    return escape(str(value))
