"""The HTML report in a real browser: headless Chromium driven by selenium.

Chromium is Debian's ``chromium`` package with its ``chromium-driver`` (``.ci/run`` installs
both when absent); selenium talks to ``/usr/bin/chromedriver`` directly, so nothing is
downloaded. Outside CI, without Chromium, these tests skip and say why; under CI
(``CI=true``) a missing browser fails them.
"""

from __future__ import annotations

import io
import json
import os
import shutil

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1366,900"]


def _need(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(f"{what}: install Debian's chromium and chromium-driver to run these tests")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium is not installed (pip install selenium)")
    binary = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)),
                  None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        _need("no chromium / chromedriver on PATH")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module", params=["records", "streamed"])
def loaded(request, browser):
    """The report of the run with records, and of the same run with streaming statistics."""
    kind = "" if request.param == "records" else "streamed_"
    results = request.getfixturevalue(f"desk_{kind}results")
    _, path = request.getfixturevalue(f"desk_{kind}report")
    browser.get_log("performance")  # drop what the blank start page did
    browser.get_log("browser")
    browser.get(path.as_uri())
    browser.execute_script("return document.readyState")
    return results, path


def test_loads_without_console_errors_or_network_requests(browser, loaded):
    _, path = loaded
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
    requests = []
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            mine = msg["params"].get("documentURL") == path.as_uri()
            remote = url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")
            if (mine or remote) and url != path.as_uri() and not url.startswith("data:"):
                requests.append(url)  # (the browser's own start page is not the report)
    assert not requests, requests


def test_svg_has_one_shape_per_element(browser, loaded):
    results, _ = loaded
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll("
        "'#diagram .panel:not([hidden]) svg g.node')).map(g => g.getAttribute('data-id'));")
    assert sorted(ids) == sorted(results.process.graph.nodes)
    flows = browser.execute_script(
        "return document.querySelectorAll('#diagram .panel:not([hidden]) svg g.flow').length")
    assert flows == len(results.process.flows)


def test_tooltip_appears_on_hover_and_the_switcher_switches(browser, loaded):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    results, _ = loaded
    tip = browser.find_element(By.ID, "tip")
    assert not tip.is_displayed()
    shape = browser.find_element(
        By.CSS_SELECTOR, '#diagram .panel:not([hidden]) g.node[data-id="Task_Triage"] rect')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", shape)
    ActionChains(browser).move_to_element(shape).perform()
    assert tip.is_displayed()
    text = tip.text
    assert "Triage ticket" in text and "wait:" in text and "utilisation" in text
    assert "±" in text
    browser.find_element(By.CSS_SELECTOR, '.switcher button[data-metric="wait"]').click()
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#diagram .panel'))"
        ".filter(p => !p.hidden).map(p => p.getAttribute('data-metric'));")
    assert shown == ["wait"]


def test_screenshot_is_not_blank(browser, loaded):
    import numpy as np
    from matplotlib import image

    browser.execute_script("window.scrollTo(0, 0)")
    png = browser.get_screenshot_as_png()
    pixels = image.imread(io.BytesIO(png))[..., :3]
    grey = pixels.mean(axis=2)
    assert (grey < 0.9).mean() > 0.02  # text, cards and lines on a white page
    assert np.unique(np.round(grey[::5, ::5], 2)).size > 20
