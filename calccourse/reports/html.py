"""The class page (``grade --html``) and the learner's page (``check --html``): each one
self-contained HTML file.

Nothing is fetched: the CSS is inline, the charts and check plots are inline SVG, and the
page's Content-Security-Policy forbids every request. One small script, allowed by its
hash, sorts the table and opens a student's details when a link points at them; without
it the page reads the same. Every string from an answer or a report (ids, paths, output,
messages, feedback) is cleaned (:func:`calccourse.safe.visible`) and then escaped.
"""

from __future__ import annotations

import base64
import hashlib
import html
import shlex
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calccourse.reports import charts
from calccourse.reports._common import clean, num, rerun_command, score_line, verdict_line, version
from calccourse.reports.analytics import STATUSES, ClassSummary, summarize
from calccourse.reports.gradebook import first_failure
from calccourse.status import MARK, NOT_TRIED

if TYPE_CHECKING:
    from calccourse.batch import ClassResult
    from calccourse.grading import Graded, Report, TestResult
    from calccourse.lesson import LessonPlugin
    from calccourse.similarity import Pair

PLOTS = 10  # check plots drawn on a class page (each about 0.8 s of CPU); `check` draws any other
OUTPUT_SHOWN = 4000  # characters of an answer's output on a class page; `check --html` shows it all
MARKS = {**MARK, "checker-error": "⚠", "missing": "∅", "skipped": "–", "not-run": "…"}

SCRIPT = """
(function () {
  var table = document.getElementById("students");
  var heads = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"));
  heads.forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var key = th.dataset.sort, numeric = th.dataset.type === "number";
      var down = th.getAttribute("aria-sort") === "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var bodies = Array.prototype.slice.call(table.tBodies);
      bodies.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var order = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        return (down ? -order : order) || a.dataset.index - b.dataset.index;
      });
      bodies.forEach(function (body) { table.appendChild(body); });
    });
  });
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var details = target && target.querySelector("details");
    if (details) { details.open = true; }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
"""

CSS = """
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --page: #f6f8fa;
  --link: #0550ae; --pass: #116329; --pass-bg: #dafbe1; --fail: #a40e26; --fail-bg: #ffebe9;
  --error: #7d4e00; --error-bg: #fff1c7; --lesson: #6639ba; --lesson-bg: #f1ebfc;
  --none: #59636e; --none-bg: #eef1f4;
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--ink); background: var(--page);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 76rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .75rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p { margin: .4rem 0; }
a { color: var(--link); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { background: var(--page); padding: .05em .3em; border-radius: 4px; overflow-wrap: anywhere; }
pre {
  white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0; padding: .5rem .75rem;
  background: var(--page); border: 1px solid var(--line); border-radius: 6px;
}
pre.output { max-height: 22rem; overflow: auto; }
.lead { font-size: 1.1rem; }
.muted, .meta { color: var(--muted); }
dl.meta { display: flex; flex-wrap: wrap; gap: .2rem 1.5rem; margin: .75rem 0 0; }
dl.meta div { display: flex; gap: .4rem; }
dl.meta dt { font-weight: 600; color: var(--ink); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.panel {
  background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 1rem 1.25rem; margin-top: 1.25rem;
}
.status {
  display: inline-block; padding: 0 .5em; border: 1px solid currentColor; border-radius: 999px;
  font-size: .85em; font-weight: 600; white-space: nowrap;
}
.status.pass { color: var(--pass); background: var(--pass-bg); }
.status.fail { color: var(--fail); background: var(--fail-bg); }
.status.error { color: var(--error); background: var(--error-bg); }
.status.checker-error { color: var(--lesson); background: var(--lesson-bg); }
.status.missing, .status.skipped, .status.not-run, .status.not-tried {
  color: var(--none); background: var(--none-bg);
}
ul.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: .5rem 0; }
ul.counts li {
  background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: .35rem .75rem;
}
ul.counts li.none { opacity: .6; }
ul.counts b { font-size: 1.2rem; margin-right: .35rem; }
.charts {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr));
  gap: 1rem; align-items: start;
}
figure { margin: 0; }
figure.chart { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
figure.chart h3 { margin: 0 0 .25rem; }
figcaption { color: var(--muted); font-size: .9rem; padding: .25rem .5rem 0; }
svg { display: block; width: 100%; height: auto; }
figure.plot { max-width: 56rem; margin: .75rem 0; background: var(--paper); overflow-x: auto; }
figure.plot svg { min-width: 34rem; }
ol.mistakes { padding-left: 1.75rem; margin: 0; }
ol.mistakes li { margin: 0 0 .75rem; }
ol.mistakes .count { font-weight: 700; }
ol.mistakes .who { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); }
caption { text-align: left; color: var(--muted); padding: 0 0 .5rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .65rem; }
thead th {
  white-space: nowrap; position: sticky; top: 0; z-index: 1;
  background: var(--paper); border-bottom: 2px solid var(--line);
}
th button {
  font: inherit; font-weight: 700; color: inherit; background: none; border: 0; padding: 0; cursor: pointer;
}
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort=ascending] button::after { content: " \\25B2"; color: var(--ink); }
th[aria-sort=descending] button::after { content: " \\25BC"; color: var(--ink); }
tbody { border-top: 1px solid var(--line); }
tbody:target { background: #fff8c5; }
td.student { font-weight: 600; overflow-wrap: break-word; min-width: 8rem; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.first { overflow-wrap: anywhere; }
tr.more td { padding-top: 0; }
summary { cursor: pointer; color: var(--link); }
details[open] > summary { margin-bottom: .5rem; }
ol.tests { list-style: none; padding: 0; margin: .25rem 0; }
ol.tests > li { border-left: 4px solid var(--line); padding: .2rem 0 .2rem .75rem; margin: .5rem 0; }
ol.tests > li.pass { border-color: var(--pass); }
ol.tests > li.fail { border-color: var(--fail); }
ol.tests > li.error { border-color: var(--error); }
.test-name { font-weight: 600; }
.points { color: var(--muted); white-space: nowrap; }
.feedback { font-weight: 600; }
.verdict { font-size: 1.2rem; font-weight: 600; }
@media (max-width: 40rem) {
  main { padding: 1rem .6rem 3rem; }
  .panel { padding: .75rem; }
  h1 { font-size: 1.4rem; }
  table, caption, thead, tbody, tr, th, td { display: block; }
  thead tr { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: .4rem .65rem; }
  thead th { position: static; border: 0; padding: 0; }
  thead th:not([data-sort]) { display: none; }
  tr.row {
    display: flex; flex-wrap: wrap; align-items: baseline; gap: .1rem .75rem; padding: .45rem .65rem 0;
  }
  tr.row td { padding: 0; }
  td.student, td.first { flex-basis: 100%; }
  td.num { text-align: left; }
  tr.more td { padding: .25rem .65rem .5rem; }
}
"""


def _e(text: object) -> str:
    """Any text for the page: cleaned of controls and hidden characters, then escaped."""
    return html.escape(clean(str(text)))


def _hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def _page(title: str, body: str, script: str = "") -> str:
    """The document: a policy that forbids every request, the style, the body, the script."""
    allowed = f"'{_hash(script)}'" if script else "'none'"
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {allowed}; base-uri 'none'; form-action 'none'"
    )
    tail = f"<script>{script}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="calccourse {_e(version())}">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n{tail}</body>\n</html>\n"
    )


def _status(status: str, label: str | None = None) -> str:
    mark = NOT_TRIED if status == "not-tried" else MARKS.get(status, "?")
    return f'<span class="status {_e(status)}">{mark} {_e(label or status)}</span>'


def _meta(items: Sequence[tuple[str, str]]) -> str:
    """A line of labelled facts, the values already HTML."""
    pairs = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in items)
    return f'<dl class="meta">{pairs}</dl>'


def _test(test: TestResult) -> str:
    status = "not-tried" if test.not_tried else test.status
    bonus = " (bonus)" if test.bonus else ""
    parts = [
        f"<div>{_status(status, 'not tried' if test.not_tried else None)} "
        f'<span class="test-name">{_e(test.name)}</span>{bonus} '
        f'<span class="points">{num(test.points)}/{num(test.max_points)}</span></div>'
    ]
    if test.message.strip():
        parts.append(f"<pre>{_e(test.message.rstrip())}</pre>")
    if test.feedback:
        parts.append(f'<p class="feedback">→ {_e(test.feedback.strip())}</p>')
    if test.blame == "lesson" and test.location:
        parts.append(f'<p class="muted">in the lesson: <code>{_e(test.location)}</code></p>')
    return f'<li class="{_e(status)}">{"".join(parts)}</li>'


def _output(report: Report, limit: int | None) -> str:
    text = clean(report.output)
    if not text.strip():
        return ""
    notes = ["The sandbox kept only the first part of it."] if report.output_truncated else []
    if limit is not None and len(text) > limit:
        notes.append(
            f"The first {limit:,} of its {len(text):,} characters; <code>calccourse check</code> shows all."
        )
        text = text[:limit]
    said = f'<p class="muted">{" ".join(notes)}</p>\n' if notes else ""
    return f'<h3>What the answer printed</h3>\n{said}<pre class="output">{html.escape(text)}</pre>'


def _report(report: Report, plot: str | None, output_limit: int | None) -> str:
    """Everything a report says: why it could not run, every test, notes, output, the plot."""
    parts = []
    error = report.load_error
    if error is not None:
        line = f" (line {error.line})" if error.line else ""
        parts.append(
            f"<p><b>The answer could not be run{line}:</b></p>\n<pre>{_e(error.message.rstrip())}</pre>"
        )
    if report.tests:
        parts.append('<ol class="tests">' + "".join(_test(test) for test in report.tests) + "</ol>")
    parts += [f'<p class="muted">note: {_e(note)}</p>' for note in report.notes]
    parts.append(_output(report, output_limit))
    if plot is not None:
        parts.append(f'<figure class="plot">{plot}</figure>')
    return "\n".join(part for part in parts if part)


# ---------------------------------------------------------------- the class page


def class_page(
    plugin: LessonPlugin,
    seed: int,
    results: Sequence[ClassResult],
    confinement: str,
    *,
    graded_at: str | None = None,
    plots: int = PLOTS,
    similar: Sequence[Pair] | None = None,
) -> str:
    """The class page: counts, charts, named mistakes, the sortable table, and each student's
    report one click away, with the check plot for the first ``plots`` failing answers; with
    ``similar``, the pairs of near-identical answers."""
    summary = summarize(results)
    anchors: dict[str, str] = {}
    for index, result in enumerate(results, 1):
        anchors.setdefault(result.student, f"s-{index}")
    drawn = _class_plots(plugin, seed, results, plots)
    shown = sum(1 for picture in drawn.values() if picture is not None)
    title = f"Lesson {plugin.number} · {_e(plugin.title)}"
    facts = [
        ("seed", str(seed)),
        ("calccourse", _e(version())),
        ("confinement", _e(confinement or "none")),
        ("graded at", _e(graded_at or time.strftime("%Y-%m-%dT%H:%M:%S%z"))),
    ]
    variants = {r.report.variant for r in results if r.report is not None and r.report.learner is not None}
    if variants:
        among = f"each learner's own exercise: {len(variants)} different among the answers"
        facts.insert(1, ("variants", _e(among)))
    header = (
        f"<header>\n<h1>{title}</h1>\n"
        f'<p class="lead">The class report: {summary.rows} entries. Repeat the run with '
        f"<code>calccourse grade {plugin.number} … --seed {seed}</code>.</p>\n{_meta(facts)}\n</header>"
    )
    if shown < len(drawn):
        plot_note = (
            f"<p>Check plots: for the first {shown} of the {len(drawn)} failing answers that have one (in "
            f"the order below); <code>calccourse check {plugin.number} ANSWER --seed {seed} --plot</code> "
            "draws any other.</p>"
        )
    else:
        plot_note = ""
    body = [
        header,
        _summary(summary),
        _charts(summary),
        _mistakes(summary, anchors),
        _similar(similar, anchors),
        "<section>\n<h2>Students</h2>",
        plot_note,
        _table(plugin, seed, results, drawn),
        "</section>",
    ]
    return _page(f"{title}: class report", "\n".join(part for part in body if part), SCRIPT)


def _class_plots(
    plugin: LessonPlugin, seed: int, results: Sequence[ClassResult], limit: int
) -> dict[int, str | None]:
    """By row, every failing answer that has a check plot: drawn for the first ``limit``, None after."""
    from calccourse.plotting import check_plot_svg, drawable, failed_tests

    failing = [
        (index, r.values, failed_tests(r.report))
        for index, r in enumerate(results, 1)
        if r.status == "fail" and r.values and r.report is not None
    ]
    if not failing:
        return {}
    from calccourse.grading import plan

    tests = plan(plugin, seed)
    plottable = [(index, got, failed) for index, got, failed in failing if drawable(tests, got, failed)]
    return {
        index: check_plot_svg(plugin.number, tests, values, f"s{index}", failed) if count < limit else None
        for count, (index, values, failed) in enumerate(plottable)
    }


def _summary(summary: ClassSummary) -> str:
    items = "".join(
        f'<li class="{"" if summary.counts[status] else "none"}"><b>{summary.counts[status]}</b>'
        f"{_status(status)}</li>"
        for status in STATUSES
    )
    lines = [f'<section>\n<h2>The class</h2>\n<ul class="counts">{items}</ul>']
    if summary.graded:
        lines.append(
            f"<p>Scores out of {num(summary.max_score)}: mean {num(summary.mean or 0)}, "
            f"median {num(summary.median or 0)} ({summary.graded} answers scored).</p>"
        )
    if summary.errors:
        why = ", ".join(f"{count} {_e(kind)}" for kind, count in summary.errors.items())
        lines.append(f"<p>Could not be run: {why}.</p>")
    if summary.slowest:
        slow = ", ".join(f"{_e(student)} {seconds:.2f} s" for student, seconds in summary.slowest)
        lines.append(f'<p class="muted">Slowest: {slow}.</p>')
    return "\n".join(lines) + "\n</section>"


def _charts(summary: ClassSummary) -> str:
    drawn = (
        ("tests", "Pass rate per test", charts.pass_rates(summary), "Answers that passed, failed, errored."),
        ("mistakes", "Named mistakes", charts.mistakes(summary), "The most common, numbered as below."),
        ("scores", "Scores", charts.histogram(summary), "Answers per score."),
    )
    figures = "".join(
        f'<figure class="chart" id="chart-{name}"><h3>{title}</h3>{svg}'
        f"<figcaption>{caption}</figcaption></figure>"
        for name, title, svg, caption in drawn
        if svg is not None
    )
    return f'<section>\n<h2>Charts</h2>\n<div class="charts">{figures}</div>\n</section>' if figures else ""


def _mistakes(summary: ClassSummary, anchors: dict[str, str]) -> str:
    if not summary.mistakes:
        return ""
    items = []
    for named in summary.mistakes:
        who = ", ".join(
            f'<a href="#{anchors[student]}">{_e(student)}</a>' if student in anchors else _e(student)
            for student in named.students
        )
        items.append(
            f'<li><span class="count">{named.count} ×</span> '
            + (f"<strong>{_e(named.label)}</strong>" if named.named else "")
            + (f", in {named.variants} variants, as {_e(named.example)} got it" if named.example else "")
            + (": " if named.named else "")
            + f"{_e(named.feedback)}"
            + f'<div class="who">in {_e(" and ".join(f"“{test}”" for test in named.tests))}: {who}</div></li>'
        )
    return f'<section>\n<h2>Named mistakes</h2>\n<ol class="mistakes">{"".join(items)}</ol>\n</section>'


def _similar(pairs: Sequence[Pair] | None, anchors: dict[str, str]) -> str:
    if pairs is None:
        return ""

    def link(student: str) -> str:
        return f'<a href="#{anchors[student]}">{_e(student)}</a>' if student in anchors else _e(student)

    items = "".join(f"<li>{link(p.a)} and {link(p.b)}: {p.score:.2f}</li>" for p in pairs)
    return (
        "<section>\n<h2>Similar submissions</h2>\n<p>Pairs whose code is near-identical once names, "
        "comments and formatting are set aside (1.00: the same code). A pointer for a human to read "
        "both, never a grade.</p>\n"
        + (f'<ol class="similar">{items}</ol>' if pairs else "<p>No pair is near-identical.</p>")
        + "\n</section>"
    )


def _table(
    plugin: LessonPlugin, seed: int, results: Sequence[ClassResult], drawn: dict[int, str | None]
) -> str:
    heads = (
        '<th scope="col" data-sort="student">student</th><th scope="col" data-sort="status">status</th>'
        '<th scope="col" data-sort="score" data-type="number">score</th>'
        '<th scope="col" data-sort="time" data-type="number">time</th><th scope="col">first failure</th>'
    )
    bodies = [_student(plugin, seed, index, result, drawn) for index, result in enumerate(results, 1)]
    return (
        '<table id="students">\n<caption>One row per entry; a row’s details hold its full report. '
        "Sort by a column’s heading.</caption>\n"
        f"<thead><tr>{heads}</tr></thead>\n" + "\n".join(bodies) + "\n</table>"
    )


def _student(
    plugin: LessonPlugin, seed: int, index: int, result: ClassResult, drawn: dict[int, str | None]
) -> str:
    """One student's rows: the summary row, and under it the report behind a details element."""
    report, plot = result.report, drawn.get(index)
    scored = report if report is not None and not report.checker_error else None
    score = "—" if scored is None else f"{num(scored.score)}/{num(result.max_score)}"
    if scored is not None and scored.bonus:
        score += f" +{num(scored.bonus)}"
    seconds = "" if report is None else f"{report.duration:.2f} s"
    data = (
        f'data-index="{index}" data-student="{_e(result.student.casefold())}" '
        f'data-status="{STATUSES.index(result.status) if result.status in STATUSES else len(STATUSES)}" '
        f'data-score="{-1 if scored is None else scored.score}" '
        f'data-time="{-1 if report is None else round(report.duration, 3)}"'
    )
    row = (
        f'<tr class="row"><td class="student">{_e(result.student)}</td><td>{_status(result.status)}</td>'
        f'<td class="num">{score}</td><td class="num">{seconds}</td>'
        f'<td class="first">{_e(first_failure(result))}</td></tr>'
    )
    who = result.submission
    facts = [("name", _e(who.name))] if who.name else []
    facts += [("identified by", _e(who.identified)), ("path", f"<code>{_e(result.path)}</code>")]
    facts += [("note", _e(note)) for note in who.notes]
    if report is not None and report.learner is not None:
        drawn_for = ", ".join(f"{name} = {value}" for name, value in (report.parameters or {}).items())
        key = report.variant or "the course's own"
        facts.append(("variant", _e(f"{report.learner}'s, {key}: {drawn_for}")))
    digest = result.sha256 or (report.sha256 if report is not None else "")  # a merged result has no answer
    if digest:
        facts.append(("sha256", f"<code>{_e(digest[:12])}</code>"))
    if report is None:
        inside = f"<p>{_status(result.status)} {_e(result.reason or 'not graded')}</p>"
        label = "why it was not graded"
    else:
        inside = _report(report, plot, OUTPUT_SHOWN)
        if index in drawn and plot is None:
            command = f"calccourse check {plugin.number} {shlex.quote(result.path)} --seed {seed} --plot"
            inside += f'\n<p class="muted">Its check plot: <code>{_e(command)}</code></p>'
        label = _contents(report, plot is not None)
    return (
        f'<tbody id="s-{index}" {data}>\n{row}\n<tr class="more"><td colspan="5"><details>'
        f"<summary>{label}</summary>\n{_meta(facts)}\n{inside}\n</details></td></tr>\n</tbody>"
    )


def _contents(report: Report, plotted: bool) -> str:
    """What a student's details hold, in a few words."""
    if report.load_error is not None:
        parts = ["why it could not be run"]
    else:
        failed = sum(1 for test in report.tests if test.status != "pass" and not test.not_tried)
        parts = [f"{failed} of {len(report.tests)} tests failed" if failed else "every test passed"]
    if report.output.strip():
        parts.append("what it printed")
    if plotted:
        parts.append("its check plot")
    return "Report: " + ", ".join(parts)


# ---------------------------------------------------------------- the learner's page


def not_graded_page(plugin: LessonPlugin, result: ClassResult) -> str:
    """A student's page when nothing was graded (no submission, or none that could be read)."""
    title = f"Lesson {plugin.number} · {_e(plugin.title)}"
    facts = [("student", _e(result.student))] + (
        [("path", f"<code>{_e(result.path)}</code>")] if result.path else []
    )
    body = (
        f'<header>\n<h1>{title}</h1>\n<p class="verdict">{_status(result.status)} '
        f"{_e(result.reason or 'not graded')}</p>\n{_meta(facts)}\n</header>"
    )
    return _page(f"{title}: {_e(result.student)}", body)


def answer_page(graded: Graded, checked_at: str | None = None) -> str:
    """The learner's page for one answer: the verdict, every test, the output, the check plot."""
    from calccourse.plotting import check_plot_svg, failed_tests

    report = graded.report
    plot = (
        check_plot_svg(report.lesson, graded.tests, graded.values, "plot", failed_tests(report))
        if report.tests
        else None
    )
    title = f"Lesson {report.lesson} · {_e(report.title)}"
    facts = [
        ("answer", f"<code>{_e(report.answer)}</code>"),
        ("seed", str(report.seed)),
        ("calccourse", _e(version())),
        ("confinement", _e(report.confinement or "none")),
        ("checked at", _e(checked_at or time.strftime("%Y-%m-%dT%H:%M:%S%z"))),
    ]
    body = (
        f"<header>\n<h1>{title}</h1>\n"
        f'<p class="verdict">{_status(report.verdict)} {_e(verdict_line(report))} '
        f"{_e(score_line(report))}</p>\n"
        f"<p>Repeat this check with <code>{_e(rerun_command(report))}</code>.</p>\n"
        f"{_meta(facts)}\n</header>\n"
        f'<section class="panel">\n{_report(report, plot, None)}\n</section>'
    )
    return _page(f"{title}: {_e(report.answer)}", body)
