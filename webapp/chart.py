"""The letters-per-year chart: an SVG bar chart drawn on the server, each bar a link to its year.

Pure SVG with classes for colour (the stylesheet paints it): no script, no inline style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 150
TOP, BOTTOM = 16, 22  # room for the count above a bar and the year below it


def year_chart(counts: Iterable[tuple[int, int]], link: Callable[[int], str],
               selected: Iterable[int] = ()) -> Markup:
    """An SVG of letters per year (every year from the first to the last, empty ones included).

    `link(year)` is the URL a bar goes to; bars of `selected` years are drawn as chosen.
    """
    per_year = {int(year): count for year, count in counts if count}
    if not per_year:
        return Markup("")
    chosen = {int(year) for year in selected}
    years = list(range(min(per_year), max(per_year) + 1))
    slot = WIDTH / len(years)
    bar_width = max(slot * 0.72, 2)
    tallest = max(per_year.values())
    label_every = 1 if slot >= 34 else 2 if slot >= 17 else 5
    total = sum(per_year.values())
    parts = [
        f'<svg class="year-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-labelledby="year-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="year-chart-title">Matching letters per year, {years[0]} to {years[-1]}: '
        f'{total:,} in all</title>',
    ]
    for position, year in enumerate(years):
        count = per_year.get(year, 0)
        height = (HEIGHT - TOP - BOTTOM) * count / tallest
        x = position * slot + (slot - bar_width) / 2
        y = HEIGHT - BOTTOM - height
        centre = position * slot + slot / 2
        if count:
            state = " year-chart__bar--chosen" if year in chosen else ""
            noun = "letter" if count == 1 else "letters"
            parts.append(
                f'<a href="{escape(link(year))}" class="year-chart__link" '
                f'aria-label="{year}: {count:,} {noun}">'
                f'<title>{year}: {count:,} {noun}</title>'
                f'<rect class="year-chart__bar{state}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_width:.1f}" height="{max(height, 1):.1f}"/>'
                f'<text class="year-chart__count" x="{centre:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{count:,}</text></a>'
            )
        if position % label_every == 0 or year == years[-1]:
            parts.append(
                f'<text class="year-chart__year" x="{centre:.1f}" y="{HEIGHT - 6}" '
                f'text-anchor="middle" aria-hidden="true">{year}</text>'
            )
    parts.append(
        f'<line class="year-chart__axis" x1="0" x2="{WIDTH}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}"/></svg>'
    )
    return Markup("".join(parts))
