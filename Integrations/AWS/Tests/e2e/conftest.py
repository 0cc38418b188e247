"""Fixtures for the AWS walkthrough: apigw-local (APIGW_LOCAL_CMD) against a DynamoDB endpoint
(PUBSUB_DYNAMODB_URL, moto's server in CI), each server on a free loopback port with its own table."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
STARTUP_TIMEOUT = float(os.environ.get("STARTUP_TIMEOUT", "120"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dynamodb_url() -> str:
    url = os.environ.get("PUBSUB_DYNAMODB_URL")
    if not url:
        pytest.fail("set PUBSUB_DYNAMODB_URL (Scripts/aws.sh starts moto's server)", pytrace=False)
    return url


class Emulator:
    """One apigw-local process: its port, its table, its log."""

    def __init__(self, *flags: str):
        command = os.environ.get("APIGW_LOCAL_CMD")
        if not command:
            pytest.fail("set APIGW_LOCAL_CMD to the apigw-local executable", pytrace=False)
        self.port = free_port()
        self.table = "websocket-" + uuid.uuid4().hex[:10]
        self.log = tempfile.NamedTemporaryFile(prefix="apigw-local-", suffix=".log", delete=False)
        environment = dict(os.environ, AWS_REGION=REGION, AWS_ACCESS_KEY_ID="testing",
                           AWS_SECRET_ACCESS_KEY="testing")
        self.process = subprocess.Popen(
            shlex.split(command) + ["--port", str(self.port), "--dynamodb-endpoint", dynamodb_url(),
                                    "--table", self.table, *flags],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=environment,
            start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "listening on" not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("apigw-local did not print 'listening on':\n" + self.output())
            time.sleep(0.1)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        with open(self.log.name, errors="replace") as handle:
            return handle.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def emulator():
    process = Emulator()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def limited_emulator():
    """Idle timeout and connection lifetime short enough to reach from a test."""
    process = Emulator("--idle-timeout", "1", "--max-connection-duration", "3")
    yield process
    process.stop()


@pytest.fixture(scope="session")
def dynamodb():
    return boto3.client("dynamodb", endpoint_url=dynamodb_url(), region_name=REGION, **CREDENTIALS)


@pytest.fixture(scope="module")
def management(emulator):
    """boto3's own @connections client, pointed at the emulator: it signs with SigV4 as on AWS."""
    return boto3.client("apigatewaymanagementapi", endpoint_url=emulator.http_url, region_name=REGION,
                        **CREDENTIALS)
