"""The letters-per-year chart: an SVG bar chart drawn on the server, each bar a link to its year.

Pure SVG with classes for colour (the stylesheet paints it): no script, no inline style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 150
TOP, BOTTOM = 16, 22  # room for the count above a bar and the year below it


def year_chart(counts: Iterable[tuple[int, int]], link: Callable[[int], str],
               selected: Iterable[int] = (), of: dict[int, int] | None = None) -> Markup:
    """An SVG of letters per year (every year from the first to the last, empty ones included).

    `link(year)` is the URL a bar goes to; bars of `selected` years are drawn as chosen. With `of` (all
    letters per year), each bar is the matching letters' share of that year's letters: a topic's rise, not
    the volume of letters.
    """
    per_year = {int(year): count for year, count in counts if count}
    if not per_year:
        return Markup("")
    chosen = {int(year) for year in selected}
    years = list(range(min(per_year), max(per_year) + 1))
    if of is None:
        heights = {year: float(count) for year, count in per_year.items()}
        title = f"Matching letters per year, {years[0]} to {years[-1]}: {sum(per_year.values()):,} in all"
    else:
        heights = {year: count / of[year] for year, count in per_year.items() if of.get(year)}
        title = f"Matching letters as a share of each year’s letters, {years[0]} to {years[-1]}"
    slot = WIDTH / len(years)
    bar_width = max(slot * 0.72, 2)
    tallest = max(heights.values(), default=0) or 1
    label_every = 1 if slot >= 34 else 2 if slot >= 17 else 5
    parts = [
        f'<svg class="year-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-labelledby="year-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="year-chart-title">{title}</title>',
    ]
    for position, year in enumerate(years):
        count = per_year.get(year, 0)
        height = (HEIGHT - TOP - BOTTOM) * heights.get(year, 0) / tallest
        x = position * slot + (slot - bar_width) / 2
        y = HEIGHT - BOTTOM - height
        centre = position * slot + slot / 2
        if count and year in heights:
            state = " year-chart__bar--chosen" if year in chosen else ""
            if of is None:
                label, said = f"{count:,}", f"{year}: {count:,} {'letter' if count == 1 else 'letters'}"
            else:
                label = f"{heights[year]:.0%}"
                said = f"{year}: {count:,} of {of[year]:,} letters ({label})"
            parts.append(
                f'<a href="{escape(link(year))}" class="year-chart__link" aria-label="{said}">'
                f'<title>{said}</title>'
                f'<rect class="year-chart__bar{state}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_width:.1f}" height="{max(height, 1):.1f}"/>'
                f'<text class="year-chart__count" x="{centre:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{label}</text></a>'
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


# Grades drawn as colour AND pattern, with the count written in each segment: readable without colour.
GRADE_FILLS = {  # (fill, ink, pattern): the badges' colours (letters.css .grade--…), each with its own pattern
    "Outstanding": ("#005a30", "#ffffff", ""),
    "Good": ("#cce2d8", "#005a30", '<path d="M0 6 L6 0" stroke="#005a30" stroke-opacity="0.35" stroke-width="1.2"/>'),
    "Requires improvement": ("#fff7bf", "#594d00",
                             '<circle cx="3" cy="3" r="1.1" fill="#594d00" fill-opacity="0.35"/>'),
    "Inadequate": ("#f6d7d2", "#942514", '<path d="M0 0 L6 6 M6 0 L0 6" stroke="#942514" stroke-opacity="0.35"/>'),
    "Not graded": ("#ffffff", "#0b0c0c", ""),
}
ROW_HEIGHT, LABEL_WIDTH, LEGEND_HEIGHT = 26, 190, 34


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def stacked_rows(chart_id: str, title: str, rows: list[tuple[str, dict[str, int]]],
                 categories: Iterable[str], *, share: bool) -> Markup:
    """Horizontal stacked bars, one row per label: counts (or shares of the row, `share`) per category."""
    categories = list(categories)
    if not rows:
        return Markup("")
    widest = max(sum(counts.get(c, 0) for c in categories) for _, counts in rows) or 1
    plot = WIDTH - LABEL_WIDTH - 8
    height = LEGEND_HEIGHT + ROW_HEIGHT * len(rows) + 4
    parts = [f'<svg class="stacked-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title><defs>']
    for category in categories:
        fill, _, pattern = GRADE_FILLS[category]
        parts.append(f'<pattern id="{chart_id}-{_slug(category)}" width="6" height="6" '
                     f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{fill}"/>{pattern}</pattern>')
    parts.append("</defs>")
    x = 0.0
    for category in categories:
        parts.append(f'<rect x="{x:.1f}" y="6" width="14" height="14" fill="url(#{chart_id}-{_slug(category)})" '
                     f'stroke="#0b0c0c" stroke-width="0.5"/><text class="stacked-chart__legend" x="{x + 18:.1f}" '
                     f'y="18">{escape(category)}</text>')
        x += 38 + 7 * len(category)
    for number, (label, counts) in enumerate(rows):
        y = LEGEND_HEIGHT + number * ROW_HEIGHT
        total = sum(counts.get(c, 0) for c in categories)
        described = ", ".join(f"{counts[c]} {c.lower()}" for c in categories if counts.get(c))
        parts.append(f'<g><title>{escape(label)}: {escape(described)}</title><text class="stacked-chart__label" '
                     f'x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        x = float(LABEL_WIDTH)
        for category in categories:
            count = counts.get(category, 0)
            if not count:
                continue
            width = plot * count / (total if share else widest)
            _, ink, _ = GRADE_FILLS[category]
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW_HEIGHT - 6}" '
                         f'fill="url(#{chart_id}-{_slug(category)})" stroke="#0b0c0c" stroke-width="0.6"/>')
            shown = f"{round(100 * count / total)}%" if share else str(count)
            if width >= 9 * len(shown):
                parts.append(f'<text x="{x + width / 2:.1f}" y="{y + 17}" text-anchor="middle" fill="{ink}" '
                             f'class="stacked-chart__count">{shown}</text>')
            x += width
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def grades_by_region_chart(regions: dict[str, dict[str, int]], grades: Iterable[str], not_graded: str) -> Markup:
    """Current authorities per region by the overall grade of their latest inspection."""
    return stacked_rows("region-grades", "Authorities by the overall grade of their latest inspection, per region",
                        list(regions.items()), [*grades, not_graded], share=False)


def grades_by_year_chart(years: dict[int, dict[str, int]], grades: Iterable[str]) -> Markup:
    """Each year's full inspections as shares of each overall grade."""
    rows = [(f"{year} ({sum(counts.values())})", counts) for year, counts in years.items()]
    return stacked_rows("year-grades", "Share of each year's inspections at each overall grade "
                        "(the number of inspections in brackets)", rows, grades, share=True)
