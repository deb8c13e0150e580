"""The CLI's tables: rich tables whose title and caption wrap as Chinese text should.

rich wraps a run of 汉字 (one "word" to it, having no spaces) wherever the width runs out, so
a title such as 层级与指挥链（扁平化） over a table 20 cells wide became 层级与指挥链（扁平化
and a line holding ``）`` alone. Here a table is at least as wide as its title when the
terminal allows (the title on one line), and a title or caption that must still wrap never
starts a line with closing punctuation (）】」，。、：；！？ …) nor ends one with an opening
bracket: the character before is taken down with it, as Chinese typesetting does
(避头尾, line-start and line-end prohibitions). Widths are display cells (a 汉字 is two).
"""

from __future__ import annotations

from typing import Any

import rich.table
from rich._wrap import divide_line  # the word wrap rich's Text.wrap uses
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style, StyleType
from rich.text import Lines, Text

__all__ = ["Table", "TitleText", "line_breaks"]

#: Characters that may not begin a line (closing brackets and quotes, Chinese and Latin
#: sentence punctuation).
NO_LINE_START = frozenset("）】」』〕〉》”’，。、：；！？…%)]}>,.:;!?")
#: Characters that may not end a line (opening brackets and quotes).
NO_LINE_END = frozenset("（【「『〔〈《“‘([{<")


def line_breaks(text: str, width: int) -> list[int]:
    """Offsets at which to break ``text`` (no line breaks in it) into lines of at most
    ``width`` cells: rich's word wrap, each break moved back where it would start a line
    with closing punctuation or end one with an opening bracket.

    Examples
    --------
    >>> t = "层级与指挥链（扁平化）"
    >>> [t[a:b] for a, b in zip([0, *line_breaks(t, 20)], [*line_breaks(t, 20), len(t)])]
    ['层级与指挥链（扁平', '化）']
    >>> line_breaks("abc（de", 5)  # never 'abc（' / 'de'
    [3]
    """
    breaks: list[int] = []
    start = 0
    while True:
        rest = divide_line(text[start:], width, fold=True)
        if not rest:
            return breaks
        cut = start + rest[0]
        while cut - 1 > start and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
            cut -= 1
        breaks.append(cut)
        start = cut


class TitleText(Text):
    """Text that wraps by :func:`line_breaks` (rich's :class:`~rich.text.Text` otherwise)."""

    def wrap(self, console: Console, width: int, **kw: Any) -> Lines:
        """Wrap as rich does, at the breaks of :func:`line_breaks`."""
        if kw.get("no_wrap") or self.no_wrap or width < 2:
            return super().wrap(console, width, **kw)
        lines: list[Text] = []
        for line in self.split(allow_blank=True):
            lines.extend(line.divide(line_breaks(line.plain, width)))
        joined = Text("\n", end=self.end).join(lines)
        joined.justify, joined.overflow, joined.no_wrap = self.justify, self.overflow, False
        return Text.wrap(joined, console, width, **kw)  # each line fits: rich breaks no more


def _title_text(value: Any, style: StyleType) -> Any:
    """A title or caption as :class:`TitleText`: a string in the table's style for it (rich
    gives a string title ``table.title``, italic, and does not restyle a Text)."""
    if isinstance(value, str):
        return TitleText(value, style=style)
    if isinstance(value, Text) and not isinstance(value, TitleText):
        text = TitleText(value.plain, style=value.style, justify=value.justify)
        text.spans = list(value.spans)
        return text
    return value


class Table(rich.table.Table):
    """A rich table as the CLI shows one: at least as wide as its title and its caption's
    lines when the terminal allows, its title and caption wrapped by :func:`line_breaks`."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        title = self.title = _title_text(
            self.title, Style.pick_first(self.title_style, "table.title")
        )
        caption = self.caption = _title_text(
            self.caption, Style.pick_first(self.caption_style, "table.caption")
        )
        # a caption's lines too: wrapped to a narrow table, 留任 103、调动 2 left 调动 at a
        # line's end and its 2 on the next
        texts = [t.plain for t in (title, caption) if isinstance(t, Text)]
        if texts and self.min_width is None:
            widest = max(cell_len(line) for text in texts for line in text.split("\n"))
            self.min_width = min(widest, options.max_width)
            try:
                yield from super().__rich_console__(console, options)
            finally:
                self.min_width = None
            return
        yield from super().__rich_console__(console, options)
