"""A real headless Chromium against the real server: the embedded widget, the staff chat, the report page.

Every request the browser makes is recorded; only our loopback servers may be asked.
Skipped only when /usr/bin/chromium is missing outside CI (scripts/ci_browser.sh installs it).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import MULTI, ROOT, multi_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOC = "2024-xiaohe-town-rule-of-law-government-report"
XIAOHE_DOCS = ("000_c02059fcca3304c1", "xiaohe-2023")  # 小河镇's reports in the multi-report corpus
SCREENSHOT = ROOT / "tests" / "artifacts" / "widget.png"  # ignored by git; docs/widget.png is copied from it by hand

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI is set but /usr/bin/chromium is missing: run scripts/ci_browser.sh first", pytrace=False)
    pytest.skip("/usr/bin/chromium is missing (run scripts/ci_browser.sh); browser tests skipped outside CI",
                allow_module_level=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def portal():
    """examples/ served by a separate loopback server: the widget is embedded cross-origin, as on a real portal."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(ROOT / "examples")))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 760}, locale="en-US")
        seen: list[str] = []
        dialogs: list[str] = []
        posted: list[str] = []
        console: list[str] = []
        context.on("request", lambda r: seen.append(r.url))
        context.on("console", lambda m: console.append(m.text))
        context.on("request", lambda r: posted.append(r.post_data) if r.method == "POST" and "/api/ask" in r.url else None)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.set_default_timeout(30_000)
        page.posted = posted  # the bodies the widget sent to /api/ask
        page.console = console
        yield page, seen, dialogs
        context.close()
        browser.close()
        blocked = [m for m in console if "Content Security Policy" in m]
        if not getattr(page, "expect_csp_violation", False):
            assert not blocked, f"the Content-Security-Policy blocked something the page needs: {blocked}"


def assert_only_loopback(seen: list[str], *origins: str) -> None:
    allowed = {urlsplit(o).netloc for o in origins}
    hosts = {urlsplit(u).netloc for u in seen if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts and hosts <= allowed, f"requests left the servers: {sorted(hosts - allowed)}"


def test_widget_on_portal(server, portal, browser_page):
    page, seen, dialogs = browser_page
    page.goto(f"{portal}/portal.html?server={server.url}")
    page.click("#reportqa-widget-button")
    frame = page.frame_locator("#reportqa-widget-frame")
    frame.locator("#rq-q").fill("2024年化解了多少矛盾纠纷？")
    frame.locator("#rq-send").click()
    answer = frame.locator(".msg.bot.found .answer")
    answer.wait_for()
    assert "230" in answer.inner_text()
    assert "全年累计排查化解各类矛盾纠纷230件" in frame.locator(".sources li mark").first.inner_text()
    link = frame.locator(".sources li a").first.get_attribute("href")
    assert link.startswith(f"/report/{DOC}#")
    frame.locator("#rq-q").fill("What is the town's GDP growth rate?")  # the "does not say" state
    frame.locator("#rq-send").click()
    frame.locator(".msg.bot.notfound .badge").wait_for()
    frame.locator("#rq-q").fill("<img src=x onerror=alert(1)>")
    frame.locator("#rq-send").click()
    frame.locator(".msg.user", has_text="<img src=x").wait_for()
    frame.locator(".msg.bot").nth(3).wait_for()
    assert frame.locator(".log img").count() == 0
    frame.locator(".msg.bot.found .answer").first.scroll_into_view_if_needed()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert not dialogs
    assert_only_loopback(seen, server.url, portal)
    assert any(u.startswith(server.url + "/api/ask") for u in seen)


def sign_in(page, server) -> None:
    page.goto(server.url + "/")
    assert page.url.endswith("/home"), "an anonymous visitor gets the public home page"
    page.click("text=Staff sign in")
    page.fill("input[name=user]", server.user)
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.locator("#rq-input textarea").wait_for()


def wait_for_votes(page, server, n: int) -> list[tuple]:
    for _ in range(60):
        if len(server.votes()) >= n:
            break
        page.wait_for_timeout(250)
    return server.votes()


def test_staff_chat_escapes_and_records_votes(server, browser_page, tmp_path):
    page, seen, dialogs = browser_page
    sign_in(page, server)
    box = page.locator("#rq-input textarea")
    box.fill("<script>alert(1)</script>2024年化解了多少矛盾纠纷？")
    box.press("Enter")
    page.locator("#rq-chat .rq-found").wait_for()
    assert "<script>alert(1)</script>" in page.locator("#rq-chat .rq-question").inner_text()
    assert page.locator("#rq-chat script").count() == 0
    assert "230" in page.locator("#rq-chat .rq-short").inner_text()
    assert page.locator("#rq-chat .rq-sources li").count() >= 1 and page.locator("#rq-chat mark").count() == 1
    before = len(server.votes())
    page.locator('#rq-chat button[aria-label="Like"]').last.click()  # Gradio labels it in the page locale
    voter, vote, question, answer = wait_for_votes(page, server, before + 1)[-1]
    assert (voter, vote) == (server.user, "like") and "230" in answer and question.startswith("<script>")
    page.locator('#rq-chat button[aria-label="Dislike"]').last.click()  # a change of mind replaces the vote
    for _ in range(60):
        if server.votes()[-1][1] == "dislike":
            break
        page.wait_for_timeout(250)
    assert len(server.votes()) == before + 1 and server.votes()[-1][1] == "dislike"
    # The trash icon clears the server's conversation too: the next vote rates the new answer.
    page.locator('#rq-chat button[aria-label="Clear"]').click()
    box.fill("法治政府建设工作领导小组的组长是谁？")
    box.press("Enter")
    page.locator("#rq-chat .rq-answer").wait_for()
    page.locator('#rq-chat button[aria-label="Like"]').last.click()
    voter, vote, question, answer = wait_for_votes(page, server, before + 2)[-1]
    assert question == "法治政府建设工作领导小组的组长是谁？" and vote == "like"
    page.get_by_role("tab", name="反馈 Feedback").click()  # staff export the store from the UI
    with page.expect_download() as download:
        page.click("text=导出反馈 Export feedback (CSV)")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "法治政府建设工作领导小组的组长是谁？" in exported and ",like," in exported
    assert not dialogs
    assert_only_loopback(seen, server.url)


def test_report_link_highlights_quote(server, browser_page):
    page, seen, dialogs = browser_page
    page.goto(f"{server.url}/report/{DOC}#2693-2859,2827-2845")
    quote = page.locator("#doc mark.quote")
    quote.wait_for()
    text = page.locator("#doc").text_content()
    assert quote.inner_text() == text[2827:2845]
    assert page.locator("#doc mark.passage").count() >= 1
    assert quote.is_visible() and page.evaluate(
        "() => { const r = document.querySelector('mark.quote').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }")
    page.click(".outline a >> nth=0")  # the outline moves the highlight
    page.wait_for_function("() => !document.querySelector('mark.quote')")
    assert_only_loopback(seen, server.url)


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """The server over the seed and the multi set's six reports (shared with test_web)."""
    if not MULTI.is_dir():
        pytest.skip("../shared/eval/multi is not beside the repo")
    return multi_server(tmp_path_factory)


def test_widget_pinned_to_a_place_never_shows_another_place(multi, portal, browser_page):
    """data-place="小河镇" on the script tag: every question is scoped to 小河镇, even one about
    another place or one (化解了多少矛盾纠纷) that other towns' reports answer too."""
    page, seen, dialogs = browser_page
    page.goto(f"{portal}/portal.html?server={multi.url}&place=小河镇")
    assert page.locator('script[data-place="小河镇"]').count() == 1
    page.click("#reportqa-widget-button")
    assert "place=" in page.locator("#reportqa-widget-frame").get_attribute("src")
    frame = page.frame_locator("#reportqa-widget-frame")
    assert "小河镇" in frame.locator("#rq-scope").inner_text()
    questions = ["化解了多少矛盾纠纷？", "调解成功率是多少？",  # other towns' reports answer these too
                 "白沙街道2024年化解了多少矛盾纠纷？", "How many disputes did Songlin township mediate in 2024?"]
    for n, question in enumerate(questions):
        frame.locator("#rq-q").fill(question)
        frame.locator("#rq-send").click()
        frame.locator(".msg.bot:not(.hint)").nth(n).wait_for()
    answers = frame.locator(".msg.bot:not(.hint)")
    assert "found" in answers.nth(0).get_attribute("class").split() and "230" in answers.nth(0).inner_text()
    for n in (2, 3):  # about another place: declined, nothing cited
        assert "notfound" in answers.nth(n).get_attribute("class") and answers.nth(n).locator(".sources li").count() == 0
    sources = frame.locator(".sources li")
    assert sources.count() >= 2
    for i in range(sources.count()):
        li = sources.nth(i)
        assert li.locator(".where").inner_text().startswith("小河镇"), li.inner_text()
        href = li.locator("a").get_attribute("href")
        assert href.startswith(tuple(f"/report/{d}#" for d in XIAOHE_DOCS)), href
    log = frame.locator(".log").inner_text()
    assert "白沙街道办事处" not in log and "松林乡人民政府" not in log and "157" not in log
    assert len(page.posted) == len(questions)
    assert all(json.loads(body)["place"] == "小河镇" for body in page.posted)
    assert not dialogs
    assert_only_loopback(seen, multi.url, portal)


def test_widget_refuses_to_be_framed_by_an_unlisted_portal(server, portal, browser_page):
    """The test server lists portals on 127.0.0.1 (REPORTQA_FRAME_ORIGINS); the same portal page served
    as localhost is another origin, and the browser must refuse to show the widget inside it."""
    page, seen, dialogs = browser_page
    page.expect_csp_violation = True
    page.goto(f"http://localhost:{urlsplit(portal).port}/portal.html?server={server.url}")
    page.click("#reportqa-widget-button")
    for _ in range(60):
        if any("frame-ancestors" in m for m in page.console):
            break
        page.wait_for_timeout(250)
    assert any("frame-ancestors" in m for m in page.console), page.console
    assert page.frame_locator("#reportqa-widget-frame").locator("#rq-form").count() == 0
