"""End to end: a coder clicks a category in JupyterLab, and the decision is in the store.

JupyterLab is served on localhost and driven with Debian's Chromium and
chromedriver (``apt-get install chromium chromium-driver``; ``.ci/run``
installs them). Selenium is given both paths, so it never downloads a browser. Screenshots
before and after the click are left in the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
NOTEBOOK = "02_code_definitions.ipynb"
CODER = "browser-test"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
]
# Is the notebook open with a kernel that is connected and idle?
KERNEL_READY = """
const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
const kernel = widget && widget.sessionContext && widget.sessionContext.session
    && widget.sessionContext.session.kernel;
return Boolean(kernel && kernel.connectionStatus === "connected" && kernel.status === "idle");
"""


@pytest.fixture
def needs_chromium() -> None:
    """Skip without Debian's Chromium and chromedriver, except on CI, where they must be there."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing on CI: .ci/run should have installed them")
        pytest.skip(
            f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(condition, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def lab(needs_chromium: None, tmp_path: Path) -> Iterator[dict[str, str]]:
    """JupyterLab serving a copy of the coding notebook, its store a temporary file."""
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    db = tmp_path / "coding.db"
    port, token = _free_port(), secrets.token_hex(16)
    env = os.environ | {
        "DEFCODE_DB": str(db),
        "DEFCODE_CODER": CODER,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            "--expose-app-in-browser",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(
            lambda: server.poll() is not None or _answers(f"{base}/api/status?token={token}"),
            60,
            "JupyterLab to start",
        )
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
        yield {"base": base, "token": token, "db": str(db), "log": str(tmp_path / "lab.log")}
    finally:
        _stop(server, f"{base}/api/shutdown?token={token}")
        log.close()


def _stop(server: subprocess.Popen, shutdown_url: str) -> None:
    """Shut the server and its kernels down; kill what is left of its process group."""
    if server.poll() is None:
        try:
            request = urllib.request.Request(shutdown_url, method="POST")
            with urllib.request.urlopen(request, timeout=5):
                pass
            server.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture
def browser(needs_chromium: None, tmp_path: Path) -> Iterator[object]:
    """Debian's Chromium, headless, driven by its own chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.browser
def test_click_in_jupyterlab_saves_the_decision(browser, lab, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    from coding.coders.store import current, items, open_store

    browser.get(f"{lab['base']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
    _wait(lambda: browser.execute_script(KERNEL_READY), 60, "the notebook's kernel")
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    button = WebDriverWait(browser, 60).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "button.defcode-code")),
        message=f"no category button rendered; server log: {lab['log']}",
    )
    code = button.text.strip()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.save_screenshot(str(tmp_path / "before.png"))
    button.click()

    conn = open_store(lab["db"])
    try:

        def decision():
            human = current(conn, "school", sources=["human"])
            return human[human["coder"] == CODER].to_dict("records")

        (saved,) = _wait(decision, 90, f"the decision of {CODER!r} in the store", interval=0.5)
        first = items(conn)["id"].iloc[0]
        browser.save_screenshot(str(tmp_path / "after.png"))
    finally:
        conn.close()
    assert (saved["item"], saved["value"], saved["source"]) == (first, code, "human")
