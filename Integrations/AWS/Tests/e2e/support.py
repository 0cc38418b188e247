"""Helpers the walkthrough tests share: the table's items, the SQS batch of EventBridge events."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid


def items(dynamodb, table: str) -> list[dict]:
    found, start = [], None
    while True:
        page = dynamodb.scan(TableName=table, ConsistentRead=True,
                             **({"ExclusiveStartKey": start} if start else {}))
        found += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def items_of(dynamodb, table: str, connection_id: str) -> list[dict]:
    return [item for item in items(dynamodb, table) if item["connectionId"]["S"] == connection_id]


def connection_ids(dynamodb, table: str) -> set[str]:
    return {item["connectionId"]["S"] for item in items(dynamodb, table) if item["sk"]["S"] == "connection"}


def wait_until(condition, timeout: float = 5.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def eventbridge_event(entity_id: str, message) -> str:
    """An EventBridge event as the article sends it from the console: `detail` holds entityId and message."""
    return json.dumps({
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Entity Updated", "source": "myapp.entities",
        "account": "123456789012", "time": "2024-03-13T10:15:30Z", "region": "us-east-1", "resources": [],
        "detail": {"entityId": entity_id, "message": message},
    })


def sqs_batch(*bodies: tuple[str, str]) -> bytes:
    return json.dumps({"Records": [
        {"messageId": message_id, "receiptHandle": "AQEB" + message_id, "body": body,
         "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs", "awsRegion": "us-east-1"}
        for message_id, body in bodies
    ]}).encode()


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def notify(emulator, *bodies: tuple[str, str]) -> list[str]:
    status, body = post(emulator.http_url + "/invoke/notify", sqs_batch(*bodies))
    assert status == 200, body
    return [failure["itemIdentifier"] for failure in json.loads(body)["batchItemFailures"]]
