"""The demo page in headless Chromium: it connects with the subprotocol `websocket`, subscribes,
shows what is published through its own form and through POST /events from here, shows error
answers, and unsubscribes. A screenshot goes to reports/browser/ for a person to look at."""

from __future__ import annotations

import json
import uuid

import pytest

from support import publish

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT_SECONDS = 10


def wait_until(driver, condition, what: str):
    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.05).until(
        lambda d: condition(d), message=f"the page did not show {what} within {WAIT_SECONDS}s"
    )


def log_entries(driver, kind: str) -> list[str]:
    """The text of the log entries of one kind (message, reply, error, sent, publish, info)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#log li[data-kind=\"' + arguments[0] + '\"] code')]"
        ".map((element) => element.textContent);",
        kind,
    )


def parsed(entries: list[str]) -> list:
    values = []
    for text in entries:
        try:
            values.append(json.loads(text))
        except ValueError:
            pass
    return values


def fill(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def screenshot(driver, path) -> None:
    """The page from its top, as a person opening it sees it (clicks scroll it)."""
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))


def test_page_subscribes_shows_publishes_and_unsubscribes(browser, base_url, port, reports):
    driver = browser
    entity = f"browser-{uuid.uuid4().hex[:8]}"
    driver.get(f"{base_url}/demo")

    state = driver.find_element(By.ID, "connection-state")
    wait_until(driver, lambda _: state.get_attribute("data-state") == "open", "an open connection")
    assert driver.execute_script("return window.pubSubDemo.socket.protocol") == "websocket"
    assert driver.find_element(By.ID, "ws-protocol").text == "websocket"
    extensions = driver.execute_script("return window.pubSubDemo.socket.extensions")
    assert driver.find_element(By.ID, "ws-extensions").text == (extensions or "(none)")

    fill(driver, "entity-id", entity)
    driver.find_element(By.ID, "subscribe").click()
    wait_until(
        driver,
        lambda d: {"status": "subscribed", "entityId": entity} in parsed(log_entries(d, "reply")),
        "the subscribe answer",
    )
    listed = driver.find_elements(By.CSS_SELECTOR, "#subscriptions li")
    assert [item.get_attribute("data-entity-id") for item in listed] == [entity]

    # A publish through the page's own form: the report shows one delivery, the log the message.
    fill(driver, "publish-entity", entity)
    fill(driver, "publish-message", '{"text":"hello from the form","n":1}')
    driver.find_element(By.ID, "publish").click()
    report = driver.find_element(By.ID, "publish-report")
    wait_until(driver, lambda _: report.get_attribute("data-status") == "200", "a 200 publish report")
    answer = json.loads(report.text.split("\n", 1)[1])
    assert answer["delivered"] == 1 and answer["failed"] == 0
    from_form = {"entityId": entity, "message": {"text": "hello from the form", "n": 1}}
    wait_until(driver, lambda d: from_form in parsed(log_entries(d, "message")), "the form's message")

    # A publish from outside the page arrives the same way.
    assert publish(port, entity, {"text": "hello from Python"})["delivered"] == 1
    from_python = {"entityId": entity, "message": {"text": "hello from Python"}}
    wait_until(driver, lambda d: from_python in parsed(log_entries(d, "message")), "the POST /events message")

    # An error answer is shown as one, and the connection stays open.
    driver.find_element(By.ID, "entity-id").clear()
    driver.find_element(By.ID, "unsubscribe").click()
    wait_until(driver, lambda d: any("error" in v for v in parsed(log_entries(d, "error"))), "an error answer")
    assert state.get_attribute("data-state") == "open"

    fill(driver, "entity-id", entity)
    screenshot(driver, reports / "demo.png")

    driver.find_element(By.ID, "unsubscribe").click()
    wait_until(
        driver,
        lambda d: {"status": "unsubscribed", "entityId": entity} in parsed(log_entries(d, "reply")),
        "the unsubscribe answer",
    )
    assert driver.find_elements(By.CSS_SELECTOR, "#subscriptions li") == []
    # The unsubscription is in effect before its answer: nothing more reaches the page.
    received = driver.execute_script("return window.pubSubDemo.received")
    assert publish(port, entity, {"text": "after unsubscribe"})["delivered"] == 0
    assert driver.execute_script("return window.pubSubDemo.received") == received

    # The page loaded nothing from elsewhere and broke no rule of its Content-Security-Policy.
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    screenshot(driver, reports / "demo-unsubscribed.png")

    # Disconnect closes with 1000; Connect opens a new connection.
    driver.find_element(By.ID, "disconnect").click()
    wait_until(driver, lambda _: state.get_attribute("data-state") == "closed", "a closed connection")
    assert "code 1000" in state.text
    driver.find_element(By.ID, "connect").click()
    wait_until(driver, lambda _: state.get_attribute("data-state") == "open", "a reopened connection")
    assert driver.find_element(By.ID, "ws-protocol").text == "websocket"
