"""Render Customer.io Liquid locally and say which variables the data does not provide.

Missing variables come from python-liquid's static analysis (`analyze().globals`): it
reports every path the template reads from outside, with loop variables, `assign` and
`capture` names already excluded, so `{% for item in trigger.items %}{{ item.name }}`
asks only for `trigger.items`. Each path is then resolved against the data the send
would carry. Static analysis sees every branch, so a variable used only inside an
`{% if %}` that is false is still listed: it is still one the data does not provide.
A variable whose every use carries a `default` filter is flagged as such, because the
reader then sees the fallback text, not a blank.

A filter python-liquid does not have (one of Customer.io's own, or a typo) does not stop
the preview: the value goes through unchanged and the filter is listed in `unapplied`, so
the reader knows that part of the text is not what Customer.io will send. Unknown tags
stay errors: there is no way to guess what one would print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liquid import BoundTemplate, Environment, Expression, Node
    from liquid.static_analysis import TemplateAnalysis

_NOT_FOUND = object()


@dataclass(frozen=True)
class MissingVariable:
    path: str  # as written in the template, e.g. "trigger.order.id"
    has_default: bool = False  # every use is `| default: ...`

    def line(self) -> str:
        return f"{self.path} (default used)" if self.has_default else self.path


@dataclass
class Rendered:
    source: str
    output: str = ""
    missing: list[MissingVariable] = field(default_factory=list)
    error: str | None = None  # a syntax or render error, with line and column
    unapplied: list[str] = field(default_factory=list)  # unknown filters, passed through

    @property
    def ok(self) -> bool:
        return self.error is None


# A preview must come back even from a runaway template (a loop over a huge range):
# python-liquid stops with an error past these, which the preview shows.
LOOP_ITERATION_LIMIT = 100_000
OUTPUT_LIMIT = 5_000_000  # characters


@cache
def environment() -> Environment:
    # Deferred: python-liquid is only needed once something is previewed.
    from liquid import Environment

    class PreviewEnvironment(Environment):
        loop_iteration_limit = LOOP_ITERATION_LIMIT
        output_stream_limit = OUTPUT_LIMIT

    # Customer.io does not HTML-escape Liquid output; neither do we. Unknown filters pass
    # the value through (and are listed), rather than losing the whole preview.
    return PreviewEnvironment(autoescape=False, strict_filters=False)


def _error_text(exc: Exception) -> str:
    # python-liquid's message carries the line, column and a caret under the problem.
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def render(source: str | None, data: dict[str, Any]) -> Rendered:
    """Render `source` with `data` as the global scope; never raises for template errors."""
    from liquid.exceptions import LiquidError

    result = Rendered(source or "")
    if not source:
        return result
    try:
        template = environment().from_string(source)
    except LiquidError as exc:
        result.error = _error_text(exc)
        return result
    analysis = template.analyze(include_partials=False)
    result.missing = missing_variables(template, data, analysis)
    known = environment().filters
    result.unapplied = [name for name in analysis.filters if name not in known]
    try:
        result.output = template.render(**data)
    except LiquidError as exc:
        result.error = _error_text(exc)
    return result


def missing_variables(
    template: BoundTemplate, data: dict[str, Any], analysis: TemplateAnalysis | None = None
) -> list[MissingVariable]:
    """Paths the template reads from outside that `data` does not hold, in source order."""
    analysis = analysis or template.analyze(include_partials=False)
    defaulted = _defaulted_positions(template)
    uses: dict[str, list[Any]] = {}
    for variables in analysis.globals.values():
        for var in variables:
            uses.setdefault(str(var), []).append(var)
    out = []
    for path, occurrences in uses.items():
        if _resolve(occurrences[0].segments, data) is _NOT_FOUND:
            has_default = all(v.span.index in defaulted for v in occurrences)
            out.append((min(v.span.index for v in occurrences), MissingVariable(path, has_default)))
    return [m for _, m in sorted(out, key=lambda item: item[0])]


def empty_variables(source: str | None, data: dict[str, Any]) -> list[str]:
    """Paths `source` reads that come out empty with `data`: missing, null or "". A path
    whose every use has a `default` filter is left out (the fallback shows instead)."""
    from liquid.exceptions import LiquidError

    if not source:
        return []
    try:
        template = environment().from_string(source)
    except LiquidError:
        return []
    analysis = template.analyze(include_partials=False)
    defaulted = _defaulted_positions(template)
    out: dict[str, int] = {}
    for variables in analysis.globals.values():
        for var in variables:
            value = _resolve(var.segments, data)
            if (value is _NOT_FOUND or value is None or value == "") and var.span.index not in defaulted:
                path = str(var)
                out[path] = min(out.get(path, var.span.index), var.span.index)
    return [path for path, _ in sorted(out.items(), key=lambda item: item[1])]


def _resolve(segments: list[Any], data: Any) -> Any:
    """The value a path names in `data`, or _NOT_FOUND. Liquid's `size`, `first` and
    `last` are properties of arrays and strings, not keys."""
    current = data
    for seg in segments:
        if isinstance(seg, list):
            # A dynamic index such as trigger.items[trigger.i]: resolve the inner path
            # first (it is reported on its own when it is missing).
            seg = _resolve(seg, data)
            if seg is _NOT_FOUND:
                return _NOT_FOUND
        if (isinstance(current, dict) and not isinstance(seg, bool) and seg in current) or (
            isinstance(current, (list, str)) and isinstance(seg, int) and -len(current) <= seg < len(current)
        ):
            current = current[seg]
        elif seg == "size" and isinstance(current, (list, str, dict)):
            current = len(current)
        elif seg in ("first", "last") and isinstance(current, list) and current:
            current = current[0] if seg == "first" else current[-1]
        else:
            return _NOT_FOUND
    return current


def _defaulted_positions(template: BoundTemplate) -> set[int]:
    """Source positions of paths that a `default` filter covers."""
    from liquid.builtin.expressions import Path
    from liquid.context import RenderContext

    positions: set[int] = set()
    context = RenderContext(template)

    def visit_expression(expr: Expression) -> None:
        filters = getattr(expr, "filters", None) or []
        left = getattr(expr, "left", None)
        if isinstance(left, Path) and any(getattr(f, "name", None) == "default" for f in filters):
            positions.add(left.token.start_index)
        for child in expr.children():
            visit_expression(child)

    def visit_node(node: Node) -> None:
        for expr in node.expressions():
            visit_expression(expr)
        for child in node.children(context, include_partials=False):
            visit_node(child)

    for node in template.nodes:
        visit_node(node)
    return positions
