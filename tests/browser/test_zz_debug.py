from tests.browser.helpers import *
async def test_dbg(page):
    await sign_in(page, "student@demo.example")
    await page.goto("/student/experiences/new")
    await page.evaluate("""() => document.addEventListener("htmx:afterSwap", (e) => { window.__t = [e.detail.target.isConnected, e.detail.elt && e.detail.elt.isConnected, e.target.isConnected, e.target.tagName]; })""")
    await page.get_by_role("button", name="Save").click()
    await page.locator(".error-summary").wait_for()
    print(await page.evaluate("() => [document.activeElement.outerHTML.slice(0,80), document.hasFocus(), window.__t]"))
