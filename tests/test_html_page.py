"""The class page (`grade --html`) and the learner's page (`check --html`): self-contained,
escaped, readable without JavaScript, and working in a real browser.

The browser tests drive Debian's headless Chromium with selenium and chromedriver; without
them they are skipped, except under CI=true, where they fail. CALCCOURSE_SCREENSHOTS=DIR
keeps their screenshots in DIR as well.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from calccourse.answers import read_answer
from calccourse.batch import ClassResult, Submission
from calccourse.course import Course
from calccourse.discovery import discover
from calccourse.grading import Graded, LoadError, Report, TestResult
from calccourse.limits import Limits
from calccourse.reports import html

LESSON1 = discover(use_entry_points=False).find("1")
HOSTILE = (
    '</pre></code><script>document.title="pwned"</script><img src=x onerror="document.body.dataset.pwned=1">'
)
TERMINAL = "\x1b[31mred\x1b[0m \u202eevil"
TITLE = "Lesson 1 · Differential calculus: class report"


class Page(HTMLParser):
    """The tags, attributes, text and scripts of a page, as a browser's parser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self.in_script else self.text).append(data)

    @property
    def policy(self) -> str:
        return next(
            a["content"] or "" for t, a in self.tags if a.get("http-equiv") == "Content-Security-Policy"
        )


def assert_inert(page: Page, script: str = "") -> None:
    """No element or attribute from an answer: one script at most (ours), nothing fetched."""
    assert page.scripts == ([script] if script else [])
    assert [tag for tag, _ in page.tags].count("script") == (1 if script else 0)
    assert "img" not in [tag for tag, _ in page.tags]
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href"):
            assert (attrs.get(name) or "#").startswith("#"), (tag, attrs)
    assert "default-src 'none'" in page.policy
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page.policy
    else:
        assert "script-src 'none'" in page.policy


def hostile_report(**changes: object) -> Report:
    tests = [
        TestResult(
            HOSTILE, "fail", 0.0, 1.0, HOSTILE + TERMINAL, feedback=HOSTILE, blame="answer", mistake="x"
        ),
        TestResult("checker", "error", 0.0, 1.0, "bug", blame="lesson", error="checker", location=HOSTILE),
    ]
    fields: dict = {
        "tests": tests,
        "output": HOSTILE + TERMINAL + "\n" + "y" * 2 * html.OUTPUT_SHOWN,
        "notes": [HOSTILE],
        "confinement": HOSTILE,
        "max_score": 2.0,
        **changes,
    }
    return Report(1, "derivatives", "Differential calculus", f"{HOSTILE}/answer.py", 7, **fields)


def test_the_class_page_escapes_everything_an_answer_wrote():
    results = [
        ClassResult(Submission(HOSTILE, HOSTILE), hostile_report(), 2.0),
        ClassResult(Submission("crash", "crash.py"), hostile_report(load_error=LoadError("x", HOSTILE)), 2.0),
        ClassResult(Submission("gone" + TERMINAL, HOSTILE, None, "missing", HOSTILE), None, 2.0),
    ]
    text = html.class_page(LESSON1, 7, results, HOSTILE, graded_at=HOSTILE)
    page = Page(text)
    assert_inert(page, html.SCRIPT)
    shown = "".join(page.text)
    assert shown.count(HOSTILE) >= 10  # ids, paths, messages, feedback, output, notes: shown as text
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[31mred" in shown and "\\u202eevil" in shown
    assert "y" * (html.OUTPUT_SHOWN - 200) in shown and "y" * html.OUTPUT_SHOWN not in shown  # cut here
    assert "calccourse check</code> shows all" in text
    assert "<title>" + TITLE + "</title>" in text
    assert len(re.findall(r'<tbody id="s-\d+"', text)) == 3


def test_the_learner_page_escapes_everything_and_shows_all_the_output():
    text = html.answer_page(Graded(hostile_report(), [], []), checked_at=HOSTILE)
    page = Page(text)
    assert_inert(page)
    shown = "".join(page.text)
    assert HOSTILE in shown and "\x1b" not in text
    assert "y" * 2 * html.OUTPUT_SHOWN in shown  # the learner's own page cuts nothing more


@pytest.fixture(scope="module")
def failing_results() -> list[ClassResult]:
    """Four failing answers of lesson 1, graded, then stripped of their answers as a merged
    gradebook rebuilds them (report and values kept)."""
    found = [Submission(m.name, str(m.path), read_answer(m.path)) for m in LESSON1.mistakes[:4]]
    graded = Course().each_graded(LESSON1, found, Limits(seed=7), jobs=2)
    results = sorted(graded, key=lambda r: r.student)
    return [replace(r, submission=replace(r.submission, answer=None)) for r in results]


def test_the_class_page_draws_the_first_check_plots_and_says_how_to_get_the_others(failing_results):
    assert all(r.status == "fail" and r.values for r in failing_results)
    text = html.class_page(LESSON1, 7, failing_results, "none", plots=2)
    assert text.count('<figure class="plot"><svg') == 2
    assert "for the first 2 of the 4 failing answers" in text
    assert text.count("--seed 7 --plot</code>") == 3  # the note, and each answer without its plot
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # the figures' ids are scoped: none clashes
    assert_inert(Page(text), html.SCRIPT)


def test_check_html_writes_the_learner_page_with_its_plot(run, tmp_path):
    answer = tmp_path / "answer.py"
    shutil.copy(LESSON1.mistakes[0].path, answer)
    result = run("check", "1", str(answer), "--seed", "3", "--html", "page.html", "--no-progress")
    assert result.exit_code == 1, result.output
    assert "saved page: page.html" in result.output
    text = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert '<figure class="plot"><svg' in text and "✗ fail" in text
    assert_inert(Page(text))


def test_an_unwritable_html_file_is_a_usage_error_before_grading(run, tmp_path):
    shutil.copy(LESSON1.folder / "solution.py", tmp_path / "ada.py")
    result = run("grade", "1", str(tmp_path / "ada.py"), "--html", str(tmp_path / "nowhere" / "class.html"))
    assert result.exit_code == 2
    assert "cannot write --html" in result.output and "graded answers passed" not in result.output


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through chromedriver; skipped without them, unless CI=true."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        message = "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": .ci/run installs them")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(driver), options=options)
    yield session
    session.quit()


def screenshot(browser, path: Path, width: int) -> None:
    """The whole page at ``width`` CSS pixels (a phone's below 500), as a PNG; also kept in
    $CALCCOURSE_SCREENSHOTS when that is set."""
    mobile = width < 500
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile},
    )
    height = min(browser.execute_script("return document.documentElement.scrollHeight"), 6000)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    browser.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("CALCCOURSE_SCREENSHOTS"):
        keep = Path(os.environ["CALCCOURSE_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, keep / path.name)


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """Lesson 1: a right answer, four mistakes, the template, a syntax error, a folder with no
    answer, and two hostile ones: a folder named like a tag, and an answer printing HTML."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(LESSON1.folder / "solution.py", folder / "ada.py")
    for mistake in LESSON1.mistakes[:4]:
        shutil.copy(mistake.path, folder / f"{mistake.name}.py")
    shutil.copy(LESSON1.folder / "template.py", folder / "tim.py")
    (folder / "syd.py").write_text("def derivative(x:\n")
    (folder / "nobody").mkdir()
    tagged = folder / "<img src=x onerror=alert(1)>"
    tagged.mkdir()
    shutil.copy(LESSON1.mistakes[0].path, tagged / "answer.py")
    printing = (LESSON1.folder / "solution.py").read_text().replace("return 3 *", "return 2 * 3 *", 1)
    (folder / "<script>alert(2)<.py").write_text(
        f"print({HOSTILE!r})\nprint({TERMINAL!r})\nprint('z' * 100_000)\n" + printing
    )
    return folder


def test_the_class_page_in_a_browser(run, klass, tmp_path, browser):
    from selenium.webdriver.common.by import By

    result = run("grade", "1", str(klass), "--seed", "7", "--jobs", "2", "--html", "class.html")
    assert result.exit_code == 0, result.output
    assert "wrote class.html" in result.output
    page = tmp_path / "class.html"
    browser.get(page.as_uri())

    def column(key: str) -> list[str]:
        return browser.execute_script(
            f"return Array.from(document.querySelectorAll('#students > tbody')).map(b => b.dataset.{key})"
        )

    # nothing from an answer ran: our one script did (it made the sort buttons), no other
    assert browser.title == TITLE
    assert browser.execute_script("return document.querySelectorAll('script, img').length") == 1
    assert browser.execute_script("return document.body.dataset.pwned") is None
    assert len(browser.find_elements(By.CSS_SELECTOR, "th button")) == 4
    rows = browser.find_elements(By.CSS_SELECTOR, "#students > tbody")
    assert len(rows) == len(list(klass.iterdir())) == 10
    for chart in ("tests", "mistakes", "scores"):
        assert browser.find_element(By.CSS_SELECTOR, f"#chart-{chart} svg").size["height"] > 100
    printed = browser.find_element(By.CSS_SELECTOR, 'tbody[data-student="<script>alert(2)<"] pre.output')
    assert not printed.is_displayed()
    screenshot(browser, tmp_path / "class-page-desktop.png", 1280)
    screenshot(browser, tmp_path / "class-page-phone.png", 400)

    # a student's feedback, one click away; then sorted by score, up and down
    student = browser.find_element(By.CSS_SELECTOR, f'tbody[data-student="{LESSON1.mistakes[0].name}"]')
    feedback = student.find_element(By.CSS_SELECTOR, ".feedback")
    assert not feedback.is_displayed()
    student.find_element(By.TAG_NAME, "summary").click()
    assert feedback.is_displayed() and "→" in feedback.text
    assert student.find_element(By.CSS_SELECTOR, "figure.plot svg").is_displayed()
    assert column("student") == sorted(column("student"))
    browser.find_element(By.CSS_SELECTOR, 'th[data-sort="score"] button').click()
    scores = [float(score) for score in column("score")]
    assert scores == sorted(scores) and column("student") != sorted(column("student"))
    browser.find_element(By.CSS_SELECTOR, 'th[data-sort="score"] button').click()
    assert [float(score) for score in column("score")] == sorted(scores, reverse=True)
    screenshot(browser, tmp_path / "class-page-opened.png", 1280)

    # without JavaScript: the same rows, the details still open
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.refresh()
        assert browser.find_elements(By.CSS_SELECTOR, "th button") == []
        assert len(browser.find_elements(By.CSS_SELECTOR, "#students > tbody")) == 10
        student = browser.find_element(By.CSS_SELECTOR, 'tbody[data-student="ada"]')
        student.find_element(By.TAG_NAME, "summary").click()
        assert student.find_element(By.CSS_SELECTOR, "ol.tests").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_the_learner_page_in_a_browser(run, klass, tmp_path, browser):
    from selenium.webdriver.common.by import By

    answer = klass / "<script>alert(2)<.py"
    result = run("check", "1", str(answer), "--seed", "7", "--html", "mine.html", "--no-progress")
    assert result.exit_code == 1, result.output
    browser.get((tmp_path / "mine.html").as_uri())
    assert browser.title == "Lesson 1 · Differential calculus: " + str(answer)
    assert browser.execute_script("return document.querySelectorAll('script, img').length") == 0
    printed = browser.find_element(By.CSS_SELECTOR, "pre.output").text
    assert printed.startswith(HOSTILE) and "\\x1b[31mred" in printed
    assert browser.find_element(By.CSS_SELECTOR, "figure.plot svg").is_displayed()
    screenshot(browser, tmp_path / "learner-page-desktop.png", 1280)
    screenshot(browser, tmp_path / "learner-page-phone.png", 400)


def test_similar_pairs_and_who_each_row_is_in_a_browser(run, tmp_path, browser):
    """grade --similar and a Canvas download with a roster: the page lists the pair with links
    to both rows, and a row's details say who the student is and how they were identified."""
    from selenium.webdriver.common.by import By

    sub = tmp_path / "sub"
    sub.mkdir()
    solution = (LESSON1.folder / "solution.py").read_text()
    (sub / "abubakarzainab_53676_9000612_answer.py").write_text(solution)
    (sub / "demirayse_late_51817_9000970_answer.py").write_text("# mine\n" + solution.replace("    ", "  "))
    (tmp_path / "roster.csv").write_text(
        'Student,ID,SIS User ID,SIS Login ID,Section\n"Abubakar, Zainab",53676,S1,zabubakar,A\n'
        '"Demir, Ayşe",51817,S2,ademir,A\n"Kim, Nobody",70000,S3,nkim,A\n'
    )
    result = run(
        "grade", "1", "sub", "--roster", "roster.csv", "--similar", "--seed", "7", "--html", "class.html"
    )
    assert result.exit_code == 0, result.output
    browser.get((tmp_path / "class.html").as_uri())
    pair = browser.find_element(By.CSS_SELECTOR, "ol.similar li")
    assert pair.is_displayed() and pair.text == "ademir and zabubakar: 1.00"
    pair.find_element(By.LINK_TEXT, "ademir").click()
    row = browser.find_element(By.CSS_SELECTOR, 'tbody[data-student="ademir"]')
    assert row.find_element(By.TAG_NAME, "details").get_attribute("open") is not None  # the link opened it
    facts = row.find_element(By.CSS_SELECTOR, "dl.meta").text
    assert "Demir, Ayşe" in facts and "roster Canvas user id 51817" in facts and "late" in facts
    absent = browser.find_element(By.CSS_SELECTOR, 'tbody[data-student="nkim"]')
    assert "no submission" in absent.text
    screenshot(browser, tmp_path / "class-page-similar.png", 1280)
