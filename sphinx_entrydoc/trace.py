"""The state trace of a checked snippet: what the checker understood of it.

For each compiled C snippet the trace lists

* the lines that may not be instrumented (inside a ``noinstr`` function and
  outside every instrumentation_begin()/instrumentation_end() section),
* where each bracket pair opens and closes,
* the declared state order of every state-changing call (the stubs'
  ``ENTRYDOC_ORDER``).

It is computed from what the checks already produced (``Compiled.calls`` and
the flow events cached on each compiled snippet), so rendering it costs no
second compilation.  The data keeps lines of the ``.rst`` file (findings
are counted by them); the HTML, written for the document's author, names
each place by the code it quotes and its line within the block (1 is the
block's first line), because a reader of the published page never sees the
``.rst`` source.  The data is plain (picklable) so that Sphinx can keep it in
its doctrees; the HTML rendering is at the bottom of this module.
"""
from __future__ import annotations

import dataclasses
import html
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple


SECTION_PAIR = "instrumentation"
SNIPPET_WRAPPER = "__entrydoc_snippet"   # compile.WRAPPER's function: a fragment of statements


@dataclasses.dataclass(frozen=True)
class PairSpan:
    pair: str
    opener: str                  # "" when a close has no opener before it
    open_line: int               # 0 when there is no opener
    closer: str = ""             # "" while nothing closes it
    close_lines: Tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class OrderedCall:
    line: int
    name: str
    states: Tuple[str, ...]      # display names, in the declared order


@dataclasses.dataclass(frozen=True)
class SnippetTrace:
    first_line: int
    last_line: int
    noinstr_functions: Tuple[str, ...]
    noinstr_lines: Tuple[Tuple[int, int], ...]   # inclusive ranges
    pairs: Tuple[PairSpan, ...]
    orders: Tuple[OrderedCall, ...]
    findings: int = 0            # findings reported on the snippet's lines
    code: Tuple[Tuple[int, str], ...] = ()   # (file line, text) of every line of the block

    def block_line(self, file_line: int) -> int:
        """The 1-based line within the block of a line of the file."""
        for index, (line, _text) in enumerate(self.code):
            if line == file_line:
                return index + 1
        return file_line - self.first_line + 1

    def text(self, file_line: int) -> str:
        return next((t.strip() for l, t in self.code if l == file_line), "")

    @property
    def empty(self) -> bool:
        return not (self.noinstr_lines or self.pairs or self.orders)


# -- computing the trace ----------------------------------------------------

def trace_document(document, findings: Sequence = ()) -> List[Tuple[object, SnippetTrace]]:
    """(snippet, trace) for every compiled snippet of a checked document."""
    return [(compiled.snippet, with_findings(trace_snippet(compiled), findings))
            for compiled in getattr(document, "compiled", ())]


def with_findings(trace: SnippetTrace, findings: Sequence) -> SnippetTrace:
    """The trace counting the findings reported on its snippet's lines."""
    count = sum(1 for f in findings if trace.first_line <= f.line <= trace.last_line)
    return dataclasses.replace(trace, findings=count)


def trace_snippet(compiled) -> SnippetTrace:
    snippet = compiled.snippet
    calls = sorted(compiled.calls, key=lambda c: (c.line, c.column))
    noinstr = [f for f in compiled.functions if _is_noinstr(f)]
    lines: Set[int] = set()
    for function in noinstr:
        lines |= _non_instrumentable_lines(compiled, function, calls)
    return SnippetTrace(
        first_line=snippet.line, last_line=snippet.last_line,
        noinstr_functions=tuple(f.spelling for f in noinstr),
        noinstr_lines=_ranges(sorted(lines), _blank_lines(snippet)),
        pairs=tuple(_pairs(snippet, calls)),
        orders=tuple(_orders(snippet, calls)),
        code=tuple((l.line, l.text) for l in snippet.lines))


def _is_noinstr(function) -> bool:
    from .stubs import NOINSTR, annotations
    return function.spelling != SNIPPET_WRAPPER and NOINSTR in annotations(function)


def _file_line(snippet, call) -> int:
    return snippet.position(call.line, call.column)[0]


def _non_instrumentable_lines(compiled, function, calls) -> Set[int]:
    """Lines of a noinstr function's body outside instrumentation sections.

    A line with a call is judged by the flow analysis (reached on some path
    with no section open, the way objtool counts); other lines, which the
    flow does not see, by where they stand between the section brackets.
    """
    from . import flow
    snippet = compiled.snippet
    body = _body_lines(compiled, function)
    if body is None:
        return set()
    first, last = body
    reached = {(e.call_line, e.call_column) for e in flow.analyse(compiled, function)
               if isinstance(e, flow.Reached)}
    mine = [c for c in calls if first <= _file_line(snippet, c) <= last]
    sections = [s for s in _pairs(snippet, mine) if s.pair == SECTION_PAIR and s.open_line]
    call_lines: Dict[int, bool] = {}
    for call in mine:
        position = snippet.position(call.line, call.column)
        bracket = call.function is not None and SECTION_PAIR in (call.function.opens, call.function.closes)
        outside = position in reached or bracket
        call_lines[position[0]] = call_lines.get(position[0], False) or outside
    found = set()
    blank = _blank_lines(snippet)
    for line in range(first, last + 1):
        if line in blank:
            continue
        if line in call_lines:
            if call_lines[line]:
                found.add(line)
        elif not any(s.open_line < line < max(s.close_lines or (last + 1,)) for s in sections):
            found.add(line)
    return found


def _body_lines(compiled, function) -> Optional[Tuple[int, int]]:
    """File lines strictly inside the braces of a function's body."""
    from .clang import cindex
    body = next((c for c in function.get_children()
                 if c.kind == cindex().CursorKind.COMPOUND_STMT), None)
    if body is None:
        return None
    start = compiled.position(body.extent.start)
    end = compiled.position(body.extent.end)
    if start is None or end is None:
        return None
    first = start[0] + 1 if _only_brace(compiled.snippet, start[0]) else start[0]
    last = end[0] - 1 if _only_brace(compiled.snippet, end[0]) else end[0]
    return (first, last) if first <= last else None


def _only_brace(snippet, file_line: int) -> bool:
    return any(l.line == file_line and l.text.strip() in ("{", "}", "};") for l in snippet.lines)


def _blank_lines(snippet) -> Set[int]:
    return {l.line for l in snippet.lines if not l.text.strip()}


def _pairs(snippet, calls) -> List[PairSpan]:
    """Match each close with the latest open of its pair before it, in
    source order.  Several closes of one open are the exits of several paths."""
    spans: List[PairSpan] = []
    for call in calls:
        function = call.function
        if function is None:
            continue
        line = _file_line(snippet, call)
        if function.opens:
            spans.append(PairSpan(function.opens, call.name, line))
        elif function.closes:
            index = next((i for i in range(len(spans) - 1, -1, -1)
                          if spans[i].pair == function.closes and spans[i].open_line), None)
            if index is None:
                spans.append(PairSpan(function.closes, "", 0, call.name, (line,)))
                continue
            span = spans[index]
            spans[index] = dataclasses.replace(
                span, closer=span.closer or call.name, close_lines=span.close_lines + (line,))
    return spans


def _orders(snippet, calls) -> List[OrderedCall]:
    from .rules.order import DISPLAY
    seen = set()
    found = []
    for call in calls:
        function = call.function
        if function is None or not function.order:
            continue
        line = _file_line(snippet, call)
        if (line, call.name) in seen:
            continue
        seen.add((line, call.name))
        found.append(OrderedCall(line, call.name, tuple(DISPLAY.get(k, k) for k in function.order)))
    return found


def _ranges(lines: Sequence[int], blank: Set[int]) -> Tuple[Tuple[int, int], ...]:
    """Consecutive lines as (first, last); blank lines do not split a range."""
    ranges: List[List[int]] = []
    for line in lines:
        if ranges and all(l in blank for l in range(ranges[-1][1] + 1, line)):
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return tuple((a, b) for a, b in ranges)


# -- the HTML (sphinxext's entrydoc_trace node carries a SnippetTrace) ---------

def _code(name: str) -> str:
    return f"<code>{html.escape(name)}()</code>"


def _quote(text: str, limit: int = 48) -> str:
    """A line of the block as the reader sees it, shortened to fit."""
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "\u2026"
    return f"<code>{html.escape(text)}</code>"


def _line_list(trace: SnippetTrace, ranges: Iterable[Tuple[int, int]]) -> str:
    parts = []
    for a, b in ranges:
        first, last = trace.block_line(a), trace.block_line(b)
        parts.append(f"{first}" if a == b else f"{first}–{last}")
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _summary(trace: SnippetTrace) -> str:
    parts = []
    if trace.noinstr_lines:
        parts.append("noinstr lines " + _line_list(trace, trace.noinstr_lines))
    if trace.pairs:
        parts.append(_plural(len(trace.pairs), "pair"))
    if trace.orders:
        parts.append(_plural(len(trace.orders), "state update"))
    if not parts:
        parts.append("no state changes")
    verdict = ("checked, no findings" if not trace.findings
               else f"checked, {_plural(trace.findings, 'finding')}")
    css = "entrydoc-ok" if not trace.findings else "entrydoc-bad"
    return (f'<summary>State trace <span class="entrydoc-verdict {css}">{verdict}</span>'
            f'<span class="entrydoc-counts"> · {html.escape(" · ").join(parts)}</span></summary>')


def _call_at(trace: SnippetTrace, name: str, file_line: int) -> str:
    return f"{_code(name)} (line {trace.block_line(file_line)})"


def _pair_item(trace: SnippetTrace, span: PairSpan) -> str:
    opened = (_call_at(trace, span.opener, span.open_line) if span.opener
              else "<em>nothing opened before</em>")
    if span.close_lines:
        lines = ", ".join(str(trace.block_line(l)) for l in span.close_lines)
        closed = f"{_code(span.closer)} (line{'s' if len(span.close_lines) > 1 else ''} {lines})"
    else:
        closed = "<em>not closed</em>"
    return (f'<li><span class="entrydoc-pair">{html.escape(span.pair)}</span> '
            f"{opened} → {closed}</li>")


def _order_item(trace: SnippetTrace, call: OrderedCall) -> str:
    states = " → ".join(html.escape(s) for s in call.states)
    return f"<li>{_call_at(trace, call.name, call.line)}: {states}</li>"


def _range_item(trace: SnippetTrace, first: int, last: int) -> str:
    if first == last:
        return f"<li>line {trace.block_line(first)}: {_quote(trace.text(first))}</li>"
    return (f"<li>lines {trace.block_line(first)}–{trace.block_line(last)}: "
            f"{_quote(trace.text(first))} … {_quote(trace.text(last))}</li>")


def _noinstr_cell(trace: SnippetTrace) -> str:
    if not trace.noinstr_lines:
        return "none"
    names = ", ".join(_code(n) for n in trace.noinstr_functions)
    ranges = "".join(_range_item(trace, a, b) for a, b in trace.noinstr_lines)
    return (f"<ul>{ranges}</ul><span class=\"entrydoc-note\">"
            f"({names} {'is' if len(trace.noinstr_functions) == 1 else 'are'} noinstr; "
            "instrumentable calls only between instrumentation_begin() and "
            "instrumentation_end())</span>")


def render_html(trace: SnippetTrace) -> str:
    rows = [("Not instrumentable", _noinstr_cell(trace))]
    if trace.pairs:
        rows.append(("Pairs", "<ul>" + "".join(_pair_item(trace, s) for s in trace.pairs) + "</ul>"))
    if trace.orders:
        rows.append(("Declared state order",
                     "<ul>" + "".join(_order_item(trace, c) for c in trace.orders) + "</ul>"))
    table = "".join(f'<tr><th scope="row">{name}</th><td>{cell}</td></tr>' for name, cell in rows)
    return (f'<details class="entrydoc-trace">{_summary(trace)}'
            f'<table class="entrydoc-trace-table">{table}</table>'
            f'<p class="entrydoc-source">Line numbers count the lines of the code block above, '
            f'from 1.</p></details>\n')
