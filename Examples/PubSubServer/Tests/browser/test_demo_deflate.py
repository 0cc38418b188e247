"""permessage-deflate in a real browser: Chromium offers the extension, a server started with
`--permessage-deflate` accepts it (the page's `ws.extensions` says so), and a published message
large enough to be compressed (the hub compresses it once for every deflate subscriber) arrives
intact. Without the flag the session suite above sees `ws.extensions` empty."""

from __future__ import annotations

import json
import uuid

import pytest

from support import ServerProcess, publish

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402

from test_demo_browser import fill, log_entries, parsed, screenshot, wait_until  # noqa: E402


@pytest.fixture(scope="module")
def deflate_server():
    process = ServerProcess("--permessage-deflate", "--demo-page", "on")
    yield process
    process.stop()


def test_chromium_negotiates_permessage_deflate_and_gets_compressed_publishes(browser, deflate_server, reports):
    driver = browser
    entity = f"deflate-{uuid.uuid4().hex[:8]}"
    driver.get(f"{deflate_server.http_url}/demo")
    state = driver.find_element(By.ID, "connection-state")
    wait_until(driver, lambda _: state.get_attribute("data-state") == "open", "an open connection")
    extensions = driver.execute_script("return window.pubSubDemo.socket.extensions")
    assert extensions.startswith("permessage-deflate"), extensions
    assert driver.find_element(By.ID, "ws-extensions").text == extensions

    fill(driver, "entity-id", entity)
    driver.find_element(By.ID, "subscribe").click()
    wait_until(
        driver,
        lambda d: {"status": "subscribed", "entityId": entity} in parsed(log_entries(d, "reply")),
        "the subscribe answer",
    )
    # Well over the 256-byte minimum, and repetitive: the server sends it compressed (RSV1).
    message = {"prices": [{"symbol": f"S{n % 7}", "price": n} for n in range(60)]}
    assert publish(deflate_server.port, entity, message)["delivered"] == 1
    expected = {"entityId": entity, "message": message}
    wait_until(driver, lambda d: expected in parsed(log_entries(d, "message")), "the compressed message")
    screenshot(driver, reports / "demo-deflate.png")
