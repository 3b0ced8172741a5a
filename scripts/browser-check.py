#!/usr/bin/env python3
"""The browser check of the person's pages (scripts/browser-check.sh).

Drives headless Chromium (Debian's chromium and chromium-driver) with
Selenium through the self-assessment page and the personal report, as
docs/person.md describes; or headless Firefox (Debian's firefox-esr,
geckodriver from crates.io) with the same steps. Usage:
browser-check.py chromium|firefox DRIVER ROLEFIT OUTDIR.

Every wait is for a condition (WebDriverWait with a generous limit);
nothing depends on timing.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import base64

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

BROWSER, DRIVER = sys.argv[1], os.path.abspath(sys.argv[2])
ROLEFIT, OUT = os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4])
WAIT = 60
PHONE = 390
TARGET_ROLE = "Product Manager"
ID = "ana-browser"


def say(text):
    print(f"browser-check ({BROWSER}): {text}", flush=True)


def fail(text):
    print(f"browser-check ({BROWSER}): FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def rolefit(*args):
    run = subprocess.run([ROLEFIT, *args], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        fail(f"rolefit {' '.join(args)}: exit {run.returncode}: {run.stderr}")
    return run.stdout


def pattern():
    """Each statement answered with TARGET_ROLE's level of its capability
    (rounded half up), mirrored when reverse-keyed (1..5)."""
    survey = json.loads(rolefit("survey", "-f", "json"))
    roles = json.loads(rolefit("roles", "-f", "json"))
    levels = {c["id"]: c["level"] for r in roles if r["name"] == TARGET_ROLE for c in r["capabilities"]}
    out = []
    for item in survey["items"]:
        v = math.floor(levels[item["capability"]] + 0.5)
        out.append(6 - v if item["reverse"] else v)
    return out


def browser(profile, downloads):
    return chromium(profile, downloads) if BROWSER == "chromium" else firefox(profile, downloads)


def firefox(profile, downloads):
    options = webdriver.FirefoxOptions()
    options.binary_location = "/usr/bin/firefox-esr"
    options.add_argument("-headless")
    options.add_argument("-profile")
    options.add_argument(profile)
    for name, value in {
        "browser.download.folderList": 2,
        "browser.download.dir": downloads,
        "browser.download.useDownloadDir": True,
        "browser.download.always_ask_before_handling_new_types": False,
        "browser.helperApps.neverAsk.saveToDisk": "text/csv",
        "browser.download.manager.showWhenStarting": False,
        # No network: every connection goes to a proxy that is not there.
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": 9,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": 9,
        "network.proxy.allow_hijacking_localhost": True,
        "app.update.enabled": False,
        "app.update.auto": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "toolkit.telemetry.enabled": False,
        "browser.shell.checkDefaultBrowser": False,
        "extensions.update.enabled": False,
    }.items():
        options.set_preference(name, value)
    driver = webdriver.Firefox(service=webdriver.FirefoxService(DRIVER), options=options)
    driver.set_window_size(1280, 900)
    return driver


def chromium(profile, downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        # No host resolves: a page that tried to load anything would fail.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1280,900",
    ]:
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": downloads, "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def wait(driver, what, condition):
    try:
        return WebDriverWait(driver, WAIT).until(lambda d: condition(d))
    except TimeoutException:
        fail(f"waited {WAIT} s for {what}")


def visible_step(driver):
    return driver.execute_script(
        "var s = Array.prototype.filter.call(document.querySelectorAll('section'), function (x) { return !x.hidden; });"
        "return s.length === 1 ? s[0].id : null;"
    )


def answers(driver):
    return driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('fieldset.statement'), function (f) {"
        " var r = f.querySelector('input:checked'); return r ? r.value : null; });"
    )


def answer_step(driver, step, values, by_keyboard):
    """Answers the statements of the visible step: with the keyboard (Tab
    into the group, arrow keys to the choice, Space on the first), or by
    clicking the choice's label."""
    fieldsets = driver.find_elements(By.CSS_SELECTOR, f"section#{step} fieldset.statement")
    for k, f in enumerate(fieldsets):
        number = int(f.get_attribute("id")[1:])
        value = values[number - 1]
        radios = f.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        index = [r.get_attribute("value") for r in radios].index(str(value))
        if by_keyboard:
            if k == 0:
                driver.execute_script("arguments[0].focus();", radios[0])
            else:
                ActionChains(driver).send_keys(Keys.TAB).perform()
            active = driver.switch_to.active_element
            if active.get_attribute("name") != f.get_attribute("id"):
                fail(f"Tab did not reach statement {number}")
            keys = [Keys.SPACE] if index == 0 else [Keys.ARROW_RIGHT] * index
            ActionChains(driver).send_keys(*keys).perform()
        else:
            f.find_element(By.CSS_SELECTOR, f"label[for='{radios[index].get_attribute('id')}']").click()
        wait(driver, f"statement {number} answered", lambda d: answers(d)[number - 1] == str(value))


def phone(driver, pages):
    """At a phone's width (390 CSS pixels): no page scrolls sideways; a
    screenshot of each. Chromium's window is made 390 px wide; Firefox's
    windows are never narrower than 500 px, so there each page is shown in
    a frame 390 px wide (a page of this check's own beside it), and checked
    from inside the frame."""
    driver.set_window_size(PHONE if BROWSER == "chromium" else 1280, 2500)
    for url, name in pages:
        shot = os.path.join(OUT, f"{name}-{PHONE}.png")
        if BROWSER == "firefox":
            holder = os.path.join(OUT, f"phone-{name}.html")
            with open(holder, "w") as f:
                f.write(f'<!DOCTYPE html><html><body style="margin:0"><iframe id="phone" src="{os.path.basename(url)}" '
                        f'style="width:{PHONE}px;height:2400px;border:0"></iframe></body></html>')
            driver.get("file://" + holder)
            frame = wait(driver, "the frame", lambda d: d.find_element(By.ID, "phone"))
            driver.switch_to.frame(frame)
        else:
            driver.get(url)
        wait(driver, f"{name} loaded", lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.querySelector('footer') !== null"))
        wait(driver, f"a {PHONE} px viewport", lambda d: d.execute_script("return window.innerWidth") <= PHONE + 10)
        sizes = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
        )
        if sizes[0] > sizes[1]:
            fail(f"{name} scrolls sideways at {PHONE} px: {sizes[0]} px of content in {sizes[1]} px")
        say(f"{name}: no horizontal scroll at {PHONE} px ({sizes[0]} <= {sizes[1]})")
        if BROWSER == "firefox":
            driver.switch_to.default_content()
            driver.find_element(By.ID, "phone").screenshot(shot)
        else:
            driver.save_screenshot(shot)


def screenshot(driver, name):
    """A screenshot 1280 px wide."""
    driver.set_window_size(1280, 2400)
    wait(driver, "a 1280 px window", lambda d: abs(d.execute_script("return window.innerWidth") - 1280) < 20)
    driver.save_screenshot(os.path.join(OUT, f"{name}-1280.png"))
    driver.set_window_size(1280, 900)


def pages_of(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def print_pdf(driver, name, width_cm, height_cm):
    options = PrintOptions()
    options.page_width = width_cm
    options.page_height = height_cm
    options.background = True
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(driver.print_page(options)))
    n = pages_of(path)
    if not 1 <= n <= 2:
        fail(f"{name}: {n} pages printed, expected 1 or 2")
    return n


def check_survey(driver, downloads):
    page = os.path.join(OUT, "assessment.html")
    rolefit("survey", "-o", page)
    values = pattern()
    driver.get("file://" + page)
    wait(driver, "the first step", lambda d: visible_step(d) == "step-1")
    steps = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('section'), function (s) { return s.id; });"
    )
    for n, step in enumerate(steps[:-1]):
        wait(driver, f"{step} shown", lambda d: visible_step(d) == step)
        answer_step(driver, step, values, by_keyboard=(n % 2 == 0))
        driver.find_element(By.CSS_SELECTOR, f"section#{step} button.next").click()
    wait(driver, "the save step", lambda d: visible_step(d) == "save")
    text = driver.find_element(By.ID, "progress-text").text
    if text != f"{len(values)} of {len(values)} answered":
        fail(f"the progress reads {text!r}")
    driver.find_element(By.ID, "respondent").send_keys(ID)
    say(f"answered {len(values)} statements ({len(steps) - 1} steps, keyboard and clicks), progress {text!r}")

    # Reload: the answers, the id and the step are kept.
    driver.refresh()
    wait(driver, "the page after the reload", lambda d: visible_step(d) == "save")
    kept = answers(driver)
    if kept != [str(v) for v in values]:
        fail(f"answers after a reload: {kept}")
    if driver.find_element(By.ID, "respondent").get_attribute("value") != ID:
        fail("the id was not kept over a reload")
    say("after a reload every answer and the id are still there")

    # Download, score.
    driver.find_element(By.ID, "download").click()
    expected = os.path.join(downloads, f"rolefit-answers-{ID}.csv")
    wait(
        driver,
        "the download",
        lambda d: os.path.exists(expected)
        and not any(os.path.exists(expected + e) for e in [".crdownload", ".part"])
        and os.path.getsize(expected) > 0,
    )
    with open(expected) as f:
        csv = f.read()
    columns = driver.find_element(By.ID, "survey").get_attribute("data-columns")
    if csv != f"{columns}\n{ID},{','.join(str(v) for v in values)}\n":
        fail(f"the downloaded file:\n{csv}")
    shutil.copy(expected, os.path.join(OUT, "answers.csv"))
    scores = rolefit("score", expected, "--format", "csv", "--top", "1").splitlines()
    header, row = scores[0].split(","), scores[1].split(",")
    top = row[header.index("role")]
    if top != TARGET_ROLE:
        fail(f"rolefit score ranks {top} first, expected {TARGET_ROLE}")
    say(f"downloaded {os.path.basename(expected)}; rolefit score ranks {top} first")

    # Clear, then load the file back.
    driver.find_element(By.ID, "clear").click()
    wait(driver, "the confirmation", lambda d: d.switch_to.alert)
    driver.switch_to.alert.accept()
    wait(driver, "the answers cleared", lambda d: all(a is None for a in answers(d)))
    driver.find_element(By.ID, "load").send_keys(expected)
    wait(driver, "the file loaded", lambda d: d.find_element(By.ID, "status").text.startswith("Loaded"))
    status = driver.find_element(By.ID, "status").text
    if answers(driver) != [str(v) for v in values] or status != f"Loaded {len(values)} answers from {os.path.basename(expected)}.":
        fail(f"loading the file back: {status}")
    say(f"cleared, then loaded the file back: {status!r}")

    driver.get("file://" + page + "#step-1")
    wait(driver, "the first step", lambda d: visible_step(d) == "step-1")
    screenshot(driver, "assessment")
    return expected, ("file://" + page + "#step-1", "assessment")


def check_report(driver, answers_csv):
    report = os.path.join(OUT, "report.html")
    rolefit("explain", answers_csv, "--format", "html", "--target", "Program Manager", "--budget", "200000", "-o", report)
    # A matrix of 32 roles keeps the layout.
    matrix, responses = os.path.join(OUT, "m32.csv"), os.path.join(OUT, "r32.csv")
    rolefit("synth", "matrix", "--roles", "32", "--capabilities", "24", "--seed", "1", "-o", matrix)
    rolefit("synth", "responses", "--matrix", matrix, "--rows", "2", "--seed", "2", "-o", responses)
    wide = os.path.join(OUT, "report-32-roles.html")
    rolefit("explain", responses, "--matrix", matrix, "--respondent", "s1", "--target", "Role 05",
            "--budget", "200000", "-o", wide)
    for page, name in [(report, "report"), (wide, "report-32-roles")]:
        driver.get("file://" + page)
        wait(driver, f"{name} loaded", lambda d: d.execute_script("return document.readyState") == "complete")
        charts = driver.execute_script("return document.querySelectorAll('svg').length")
        if charts != 1:
            fail(f"{name}: {charts} charts")
        a4 = print_pdf(driver, f"{name}-a4.pdf", 21.0, 29.7)
        letter = print_pdf(driver, f"{name}-letter.pdf", 21.59, 27.94)
        say(f"{name}: printed to PDF, {a4} page(s) on A4, {letter} on Letter")
        screenshot(driver, name)
    return [("file://" + report, "report"), ("file://" + wide, "report-32-roles")]


def main():
    os.makedirs(OUT, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="rolefit-profile-")
    downloads = tempfile.mkdtemp(prefix="rolefit-downloads-")
    driver = browser(profile, downloads)
    try:
        say(f"{driver.capabilities.get('browserName', '?')} {driver.capabilities.get('browserVersion', '?')}")
        answers_csv, survey_page = check_survey(driver, downloads)
        pages = [survey_page] + check_report(driver, answers_csv)
        phone(driver, pages)
    finally:
        driver.quit()
        for d in [profile, downloads]:
            shutil.rmtree(d, ignore_errors=True)
    say(f"ok: screenshots and PDFs in {OUT}")


if __name__ == "__main__":
    main()
