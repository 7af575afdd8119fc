"""Playwright helpers for the browser tests (Debian's chromium, the `browser` fixture of
conftest.py): pages in a language and a viewport, the Content-Security-Policy watch, the
accessibility check with axe-core (bundled by axe-playwright-python, no network), logging in.
"""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from hrdd.testing.world import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
# Good practice that no WCAG success criterion requires: reported, never failed on.
ADVISORY = {"best-practice"}
BLOCKING = {"serious", "critical"}
# Undecided results that need a person: axe cannot measure contrast over images (SVG charts).
REVIEW_BY_HAND = {"color-contrast"}

axe = Axe()


def describe(results: list[dict]) -> str:
    """Each rule's id, impact, help text and link, then each offending element."""
    lines = []
    for rule in results:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']}")
        lines.append(f"  {rule['helpUrl']}")
        for node in rule["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
            else:
                messages = [c["message"] for k in ("any", "all", "none") for c in node.get(k, [])]
                lines.extend(f"    {m}" for m in messages)
    return "\n".join(lines)


def is_blocking(rule: dict) -> bool:
    return rule["impact"] in BLOCKING and bool(WCAG_AA & set(rule["tags"]))


def assert_accessible(page, label: str) -> None:
    """Run axe on the page as it is now; fail on serious or critical WCAG A/AA findings."""
    options = {"runOnly": {"type": "tag", "values": sorted(WCAG_AA | ADVISORY)}}
    results = axe.run(page, options=options).response
    violations = [r for r in results["violations"] if is_blocking(r)]
    undecided = [
        r for r in results["incomplete"] if is_blocking(r) and r["id"] not in REVIEW_BY_HAND
    ]
    advisory = [r for r in results["violations"] if not is_blocking(r)]
    by_hand = [r for r in results["incomplete"] if r["id"] in REVIEW_BY_HAND]
    if advisory:
        print(f"\n[{label}] {page.url}: other accessibility findings\n{describe(advisory)}")
    if by_hand:
        print(f"\n[{label}] {page.url}: to check by hand\n{describe(by_hand)}")
    problems = [describe(violations)] if violations else []
    if undecided:
        problems.append("Not decided by axe, but serious:\n" + describe(undecided))
    assert not problems, f"[{label}] {page.url}\n" + "\n".join(problems)


def new_page(browser, live_server, *, language="en", viewport=DESKTOP, scripts=True):
    """A fresh browser context in `language`, as the language buttons would have set it.

    Without `scripts` the app's own JavaScript is not loaded, so the page is checked as a
    supplier without JavaScript gets it (axe itself still needs the browser's JavaScript).
    """
    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if not scripts:
        context.route("**/static/js/**", lambda route: route.abort())
    page = context.new_page()
    watch_csp(page)
    return page


CSP_VIOLATIONS: dict[int, list[str]] = {}


def watch_csp(page) -> None:
    """Collect what the browser refused under the Content-Security-Policy on this page: an
    inline script or style, a foreign source (Chromium reports each on the console)."""
    seen = CSP_VIOLATIONS.setdefault(id(page), [])
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


def close(page) -> None:
    """Close the page; fail if the browser refused anything under the CSP meanwhile."""
    violations = CSP_VIOLATIONS.pop(id(page), [])
    page.context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def log_in(page, live_server, user, *, then: str | None = None) -> None:
    """Log `user` in on the login page as a person would, and wait for the page the login
    leads to: `then` (passed as ?next=), else the dashboard."""
    login = f"{live_server.url}{reverse('accounts:login')}"
    page.goto(f"{login}?next={then}" if then else login)
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{then or reverse('campaigns:dashboard')}")


WIDER_THAN_THE_SCREEN = """width => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width)
    .map(e => `${e.tagName}#${e.id}.${e.className}`)"""


def assert_fits_the_screen(page, width: int = PHONE["width"]) -> None:
    """No sideways scrolling on a phone, measured on the page as laid out: after a click the
    new page's heading can be found before its stylesheet has loaded (a busy machine), and
    Japanese or Vietnamese text is set in fonts that load last. Names what is too wide."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, page.evaluate(WIDER_THAN_THE_SCREEN, width)
