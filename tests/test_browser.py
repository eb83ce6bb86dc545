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
    """The README's example exactly: examples/portal.html served by a static server on another origin
    (as `python3 -m http.server --directory examples` does), ?server= naming reportqa, which runs with
    its defaults (no REPORTQA_FRAME_ORIGINS): the widget opens, answers and cites."""
    page, seen, dialogs = browser_page
    assert "REPORTQA_FRAME_ORIGINS" not in server.env
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
    frame.locator("#rq-scope", has_text="小河镇").wait_for()  # shown once the widget's script has run
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


# ------------------------------------------------------------------ desktop and phone: answer first, sources, copy

ARTIFACTS = ROOT / "tests" / "artifacts"  # ignored by git; docs/*.png are copied from here by hand
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# The element is entirely inside the window and inside the box that scrolls it.
IN_VIEW = """el => {
  if (!el) return false;
  const r = el.getBoundingClientRect();
  if (r.height === 0 || r.top < 0 || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth) return false;
  for (let box = el.parentElement; box; box = box.parentElement) {
    const s = getComputedStyle(box);
    if (/(auto|scroll)/.test(s.overflowY) && box.scrollHeight > box.clientHeight) {
      const b = box.getBoundingClientRect();
      return r.top >= b.top && r.bottom <= b.bottom;
    }
  }
  return true;
}"""
SHORT_IN_VIEW = f"id => ({IN_VIEW})(document.querySelector('#' + id + ' > .rq-short'))"  # Gradio may redraw a message
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
OPEN_SOURCES = "el => [...el.querySelectorAll('li')].filter(li => li.checkVisibility()).length"


@pytest.fixture(params=list(SIZES))
def sized(request):
    """A page at desktop (1280×900) or phone (390×844, touch) size, clipboard allowed; page errors recorded,
    and any Content-Security-Policy violation fails the test (as with `browser_page`)."""
    from playwright.sync_api import sync_playwright

    phone = request.param == "phone"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN", is_mobile=phone, has_touch=phone,
                                      device_scale_factor=2 if phone else 1)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        seen: list[str] = []
        errors: list[str] = []
        posted: list[str] = []
        console: list[str] = []
        context.on("request", lambda r: seen.append(r.url))
        context.on("console", lambda m: console.append(m.text))
        context.on("request", lambda r: posted.append(r.post_data) if r.method == "POST" and "/api/ask" in r.url else None)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
        page.set_default_timeout(30_000)
        page.size, page.seen, page.errors, page.posted = request.param, seen, errors, posted
        yield page
        context.close()
        browser.close()
        blocked = [m for m in console if "Content Security Policy" in m]
        assert not blocked, f"the Content-Security-Policy blocked something the page needs: {blocked}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.size}.png"))


CHAT_QUESTIONS = [("2024年化解了多少矛盾纠纷？", "230"), ("那调解成功率呢？", "97"), ("法治政府建设存在哪些不足？", "共3点")]


def test_chat_shows_each_answer_from_its_start(server, sized):
    """Three questions, each answer's short text inside the window and the conversation as it arrives;
    at most three sources open; the question box always on screen; nothing scrolls sideways."""
    page = sized
    sign_in(page, server)
    box = page.locator("#rq-input textarea")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert box.get_attribute("aria-label") or page.locator("#rq-input label").count(), "the question box has a label"
    assert page.locator('#rq-header a[href="/logout"]').evaluate(IN_VIEW), "sign-out is in the header"
    for n, (question, figure) in enumerate(CHAT_QUESTIONS):
        box.fill(question)
        box.press("Enter")
        answer = page.locator("#rq-chat .rq-answer").nth(n)
        answer.wait_for()
        assert figure in answer.locator(".rq-short").inner_text()
        page.wait_for_function(SHORT_IN_VIEW, arg=answer.get_attribute("id"))
        assert answer.evaluate(OPEN_SOURCES) <= 3 and answer.locator("details[open]").count() == 0
        assert box.evaluate(IN_VIEW), "the question box stays reachable"
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
    first = page.locator("#rq-chat .rq-answer").first
    assert first.get_attribute("lang") == "zh" and first.evaluate(OPEN_SOURCES) == 1
    assert "4" in first.locator("details.rq-more summary").inner_text()  # the other passages wait behind it
    assert page.locator("#rq-chat .rq-question").first.get_attribute("lang") == "zh"
    shot(page, "chat")
    last = page.locator("#rq-chat .rq-answer").last
    ref = last.locator("a.rq-ref").nth(2)  # [3] jumps to the third source of the same answer
    target = ref.get_attribute("href")[1:]
    ref.click()
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=target)
    assert last.locator(f"li#{target} .rq-path a").get_attribute("href").startswith(f"/report/{DOC}#")
    assert not page.errors
    assert_only_loopback(page.seen, server.url)


def test_chat_copy_gives_plain_text_with_sources(server, sized):
    page = sized
    sign_in(page, server)
    page.locator("#rq-chat button.example").first.wait_for()
    page.locator("#rq-input textarea").fill(CHAT_QUESTIONS[0][0])
    page.locator("#rq-input textarea").press("Enter")
    answer = page.locator("#rq-chat .rq-answer").first
    answer.locator(".rq-copy").click()
    page.wait_for_function("() => document.querySelector('#rq-chat .rq-copy').textContent.includes('已复制')")
    text = page.evaluate("navigator.clipboard.readText()")
    assert "<" not in text and ">" not in text.replace("›", "")
    lines = text.splitlines()
    assert "230" in lines[0] and "[1]" in lines[0] and "来源：" in lines
    source = next(line for line in lines if line.startswith("[1] "))
    assert source.startswith("[1] 小河镇 2024年 · 二、推进法治政府建设") and f"— {server.url}/report/{DOC}#" in source
    assert "“全年累计排查化解各类矛盾纠纷230件”" in text
    assert not page.errors


def test_chat_example_is_asked_when_clicked(server, sized):
    page = sized
    sign_in(page, server)
    example = page.locator("#rq-chat button.example").first
    question = example.inner_text().strip()
    example.click()
    page.locator("#rq-chat .rq-answer").first.wait_for()
    assert question in page.locator("#rq-chat .rq-question").first.inner_text()
    assert not page.errors


def test_widget_answer_first_close_and_new_conversation(server, portal, sized):
    page = sized
    page.goto(f"{portal}/portal.html?server={server.url}")
    page.click("#reportqa-widget-button")
    frame_box = page.locator("#reportqa-widget-frame")
    frame = page.frame_locator("#reportqa-widget-frame")
    frame.locator("#rq-q").wait_for()
    if page.size == "phone":  # the widget covers the phone's screen; its own header closes it
        assert frame_box.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    else:
        b = frame_box.bounding_box()  # 360×560 and its border, in the corner
        assert (b["width"], b["height"]) == (362, 562) and b["x"] + b["width"] < 1280 and b["y"] + b["height"] < 900
    questions = ["法治政府建设存在哪些不足？", "What is the town's GDP growth rate?", "2024年化解了多少矛盾纠纷？",
                 "那调解成功率呢？"]
    for n, question in enumerate(questions):
        frame.locator("#rq-q").fill(question)
        frame.locator("#rq-send").click()
        answer = frame.locator(".msg.bot:not(.hint)").nth(n)
        answer.wait_for()
        assert answer.locator(".answer").evaluate(IN_VIEW), question
        assert answer.evaluate(OPEN_SOURCES) <= 3 and answer.locator(".sources li").count() <= 3
        assert frame.locator("body").evaluate(NO_SIDEWAYS_SCROLL) and page.evaluate(NO_SIDEWAYS_SCROLL)
    answers = frame.locator(".msg.bot:not(.hint)")
    assert "notfound" in answers.nth(1).get_attribute("class") and answers.nth(1).evaluate(OPEN_SOURCES) == 0
    assert "230" in answers.nth(2).inner_text() and "97" in answers.nth(3).locator(".answer").inner_text()
    shot(page, "widget")
    frame.locator("#rq-new").click()  # a new conversation: the log and the history start over
    assert frame.locator(".msg").count() == 1 and frame.locator("#rq-hello").is_visible()
    frame.locator("#rq-q").fill("那调解成功率呢？")
    frame.locator("#rq-send").click()
    frame.locator(".msg.bot:not(.hint)").first.wait_for()
    assert json.loads(page.posted[-1])["history"] == []
    frame.locator("#rq-close").click()  # the iframe asks the portal page to close it
    frame_box.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "reportqa-widget-button"
    assert page.locator("#reportqa-widget-button").get_attribute("aria-expanded") == "false"
    page.click("#reportqa-widget-button")  # opens again where it was
    frame.locator("#rq-q").press("Escape")
    frame_box.wait_for(state="hidden")
    assert not page.errors
    assert_only_loopback(page.seen, server.url, portal)


def test_commitments_page_fits_the_screen(server, sized):
    page = sized
    page.goto(server.url + "/commitments")
    page.locator(".rq-commitments li").first.wait_for()
    assert page.locator('meta[name="viewport"]').get_attribute("content").startswith("width=device-width")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator(".rq-filters select").first.evaluate(IN_VIEW)
    shot(page, "commitments")
    assert not page.errors


def test_commitments_targets_table_reads_on_a_phone(server, sized):
    """The targets table at 1280 px is a table; at 390 px each row is a card with labelled cells, and
    nothing scrolls sideways; the filters work without script (a GET form)."""
    page = sized
    page.goto(server.url + "/commitments")
    table = page.locator(".rq-targets")
    table.wait_for()
    assert page.locator(".rq-summary").inner_text().split(" · ")[-1].endswith("not reported")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    cell = page.locator(".rq-targets td").first
    display = cell.evaluate("td => getComputedStyle(td).display")
    assert display == ("block" if page.size == "phone" else "table-cell")
    assert page.locator(".rq-filters").get_attribute("method") == "get"
    page.select_option('select[name="status"]', "not_reported")
    page.click(".rq-filters button")
    page.wait_for_url("**status=not_reported**")
    statuses = page.locator(".rq-targets .rq-status").all_inner_texts()
    assert statuses and all("Not reported" in s for s in statuses)
    shot(page, "commitments-targets")
    assert not page.errors


@pytest.mark.parametrize("fragment", ["#abc", "#5-", "#%E0", "#-3-4", "#99999999-999999999", "#10-5", "#2693-2859,%E0%A4%A"])
def test_report_page_ignores_malformed_fragments(server, browser_page, fragment):
    page, seen, dialogs = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/report/{DOC}{fragment}")
    page.locator("#doc").wait_for()
    page.evaluate("location.hash = '#2693-2859,2827-2845'")  # a good link still works afterwards
    page.locator("#doc mark.quote").wait_for()
    page.evaluate(f"location.hash = {json.dumps(fragment)}")
    page.wait_for_function("() => !document.querySelector('#doc mark.quote')" if fragment != "#2693-2859,%E0%A4%A"
                           else "() => !!document.querySelector('#doc mark.passage')")
    assert not errors, errors


def test_widget_refuses_to_be_framed_by_an_unlisted_portal(multi, portal, browser_page):
    """The multi-report server lists portals on 127.0.0.1 (REPORTQA_FRAME_ORIGINS); the same portal page
    served as localhost is another origin, and the browser must refuse to show the widget inside it."""
    page, seen, dialogs = browser_page
    page.expect_csp_violation = True
    page.goto(f"http://localhost:{urlsplit(portal).port}/portal.html?server={multi.url}")
    page.click("#reportqa-widget-button")
    for _ in range(60):
        if any("frame-ancestors" in m for m in page.console):
            break
        page.wait_for_timeout(250)
    assert any("frame-ancestors" in m for m in page.console), page.console
    assert page.frame_locator("#reportqa-widget-frame").locator("#rq-form").count() == 0


# ------------------------------------------------------------------ pages at desktop and phone sizes (issue 15, point 7)

TAP = 44  # px: the smallest tap target on a phone
BOX = "el => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"


def box(locator) -> tuple[float, float, float, float]:
    return tuple(locator.evaluate(BOX))


def assert_tappable(page, locator, what: str) -> None:
    """On a phone, the element is at least TAP × TAP px (desktop sizes are not judged)."""
    if page.size == "phone":
        _, _, w, h = box(locator)
        assert w >= TAP and h >= TAP, f"{what} is {w:.0f}×{h:.0f} px on a phone"


def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def statuses(page) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    page.on("response", lambda r: found.append((r.status, r.url)))
    return found


def test_staff_chat_shows_every_tab_the_whole_title_and_big_enough_buttons(server, sized):
    page = sized
    answered = statuses(page)
    sign_in(page, server)
    tabs = page.locator("#rq-tabs [role=tab]")
    names = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
    assert names == ["问答 Ask", "浏览报告 Browse", "承诺事项 Commitments", "反馈 Feedback"]
    for i in range(tabs.count()):
        assert tabs.nth(i).evaluate(IN_VIEW), f"the tab {names[i]} is on screen"
        assert_tappable(page, tabs.nth(i), f"the tab {names[i]}")
    assert page.get_by_role("button", name="More tabs").count() == 0 or not page.get_by_role(
        "button", name="More tabs").is_visible()
    title = page.locator(".rq-title")
    assert "政府报告问答" in title.inner_text()
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the title is not cut"
    assert not page.get_by_text("Use via API").is_visible() and not page.get_by_text("Settings", exact=True).is_visible()
    sign_out = page.locator('#rq-header a[href="/logout"]')
    assert "退出" in sign_out.inner_text() and "Sign out" in sign_out.inner_text()
    assert_tappable(page, sign_out, "sign-out")
    assert_tappable(page, page.locator("#rq-new"), "New chat")
    assert_tappable(page, page.locator("#rq-send"), "Ask")
    box_ = page.locator("#rq-input textarea")
    box_.fill(CHAT_QUESTIONS[0][0])
    box_.press("Enter")
    answer = page.locator("#rq-chat .rq-answer").first
    answer.wait_for()
    like = page.locator('#rq-chat button[aria-label="赞"], #rq-chat button[aria-label="Like"]').last
    assert_tappable(page, like, "👍")
    assert_tappable(page, page.locator('#rq-chat button[aria-label="踩"], #rq-chat button[aria-label="Dislike"]').last, "👎")
    assert_tappable(page, page.locator('#rq-chat button[aria-label="清空对话"], #rq-chat button[aria-label="Clear"]'),
                    "the bin (clear the chat)")
    assert_tappable(page, answer.locator(".rq-copy"), "Copy")
    arrow = page.locator("#rq-chat .scroll-down-button-container")
    assert arrow.count() == 0 or not arrow.is_visible(), "no scroll arrow over the answer"
    like.click()
    toast = page.locator(".toast-wrap .toast-item", has_text="feedback saved")
    toast.wait_for()
    assert not overlaps(box(toast), box(sign_out)), "the toast leaves sign-out free"
    shot(page, "staff")
    page.get_by_role("tab", name="反馈 Feedback").click()
    assert page.get_by_text("导出反馈 Export feedback (CSV)").is_visible()
    assert not [u for s, u in answered if s >= 400], [(s, u) for s, u in answered if s >= 400]
    assert not page.errors


def test_report_page_labels_in_both_languages_leads_home_and_fills_a_phone(server, sized):
    page = sized
    answered = statuses(page)
    page.goto(f"{server.url}/report/{DOC}")
    meta = page.locator("header .meta").inner_text()
    assert "发布时间 Published" in meta and "来源 Source" in meta and "published:" not in meta
    home = page.get_by_role("link", name="首页 Home")
    ask = page.get_by_role("link", name="提问 Ask a question")
    assert home.get_attribute("href") == "/home" and ask.get_attribute("href").startswith("/widget?place=")
    for link in (home, ask, page.get_by_role("link", name="承诺事项 Commitments")):
        assert_tappable(page, link, link.inner_text()) if page.size != "phone" else None
        if page.size == "phone":
            assert box(link)[3] >= TAP, f"{link.inner_text()} is too low to tap"
    width = page.viewport_size["width"]
    text_width = page.locator("#doc").evaluate("el => el.getBoundingClientRect().width")
    if page.size == "phone":
        assert text_width >= 0.85 * width, f"the text column is {text_width:.0f} of {width} px"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "report")
    home.click()
    page.wait_for_url("**/home")
    assert page.get_by_role("link", name="提问 Ask a question").is_visible()
    assert not [u for s, u in answered if s >= 400], [(s, u) for s, u in answered if s >= 400]  # no favicon 401
    assert not page.errors


def test_public_pages_and_the_favicon_answer_without_a_sign_in(server):
    import httpx

    r = httpx.get(server.url + "/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    for path in ("/home", f"/report/{DOC}", "/widget", "/commitments"):
        assert 'rel="icon"' in httpx.get(server.url + path).text, path


def test_widget_sources_are_readable_and_its_buttons_big_enough(server, portal, sized):
    page = sized
    page.goto(f"{portal}/portal.html?server={server.url}")
    page.click("#reportqa-widget-button")
    frame = page.frame_locator("#reportqa-widget-frame")
    frame.locator("#rq-q").fill(CHAT_QUESTIONS[0][0])
    frame.locator("#rq-send").click()
    answer = frame.locator(".msg.bot.found").first
    answer.wait_for()
    size = answer.locator(".sources li").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 14, f"sources in {size}px text"
    assert "New chat" in frame.locator("#rq-new").inner_text() and "Ask" in frame.locator("#rq-send").inner_text()
    for sel, what in (("#rq-new", "New chat"), ("#rq-close", "close"), ("#rq-send", "Ask"), ("#rq-q", "the box")):
        assert_tappable(page, frame.locator(sel), what)
    assert not page.errors


CHOICES = [{"place": "小河镇", "label": "小河镇 2024年报告"}, {"place": "松林乡", "label": "松林乡 2024年报告"}]


def test_widget_renders_an_answers_choices_and_asks_the_chosen_place(multi, portal, sized):
    """The engine may answer a question naming no place, on a knowledge base of several places, with the
    places to choose from (`choices`). Fed the engine's own answer with these choices set (so that the page
    code is tried whether or not the engine sends them yet), the widget shows one button per place; a tap
    asks the same question again of that place, and the real server answers it from there."""
    page = sized
    first = {"done": False}

    def with_choices(route):
        if first["done"] or route.request.method != "POST":
            return route.continue_()
        first["done"] = True
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "choices": CHOICES})

    page.context.route(f"{multi.url}/api/ask", with_choices)
    page.goto(f"{portal}/portal.html?server={multi.url}&place=")
    page.click("#reportqa-widget-button")
    frame = page.frame_locator("#reportqa-widget-frame")
    question = "2024年化解了多少矛盾纠纷？"
    frame.locator("#rq-q").fill(question)
    frame.locator("#rq-send").click()
    buttons = frame.locator(".msg.bot .choices button.choice")
    buttons.first.wait_for()
    labels = [buttons.nth(i).inner_text() for i in range(buttons.count())]
    assert labels == [c["label"] for c in CHOICES]
    for i in range(buttons.count()):
        assert_tappable(page, buttons.nth(i), f"the choice {labels[i]}")
    shot(page, "widget-choices")
    frame.locator(".choice", has_text="松林乡").first.click()
    second = frame.locator(".msg.bot:not(.hint)").nth(1)
    second.wait_for()
    body = json.loads(page.posted[-1])
    assert body["question"] == question and body["place"] == "松林乡"
    assert "（松林乡）" in frame.locator(".msg.user").nth(1).inner_text()
    assert "157" in second.locator(".answer").inner_text()
    assert all(li.startswith("松林乡") for li in second.locator(".sources li .where").all_inner_texts())
    assert not page.errors


def test_choices_from_the_engine_end_to_end_in_the_widget_and_the_staff_chat(multi, portal, sized):
    """FOR THE LEAD (issue 15, point 6, engine side): runs once the engine sends `choices` for a question
    naming no place on a knowledge base of several places; skipped until then."""
    import httpx

    question = "2024年化解了多少矛盾纠纷？"
    d = httpx.post(multi.url + "/api/ask", json={"question": question}, timeout=60).json()
    if not d.get("choices"):
        pytest.skip("the engine does not send `choices` yet (issue 15 point 6, the lead's side)")
    place = d["choices"][-1]["place"]
    page = sized
    page.goto(f"{portal}/portal.html?server={multi.url}&place=")
    page.click("#reportqa-widget-button")
    frame = page.frame_locator("#reportqa-widget-frame")
    frame.locator("#rq-q").fill(question)
    frame.locator("#rq-send").click()
    frame.locator(".choice", has_text=place).first.click()
    second = frame.locator(".msg.bot:not(.hint)").nth(1)
    second.wait_for()
    assert all(w.startswith(place) for w in second.locator(".sources li .where").all_inner_texts())
    sign_in(page, multi)
    page.locator("#rq-input textarea").fill(question)
    page.locator("#rq-input textarea").press("Enter")
    option = page.locator("#rq-chat .option", has_text=place).first
    option.wait_for()
    option.click()
    page.locator("#rq-chat .rq-question", has_text=f"（{place}）").wait_for()
    assert_tappable(page, option, "a choice") if option.count() else None
    assert not page.errors
