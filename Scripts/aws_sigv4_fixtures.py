#!/usr/bin/env python3
"""Writes the SigV4 fixture the Swift signer is tested against: a table of requests and, for each,
the canonical request, string to sign and Authorization header that botocore computes.

Usage: Scripts/aws_sigv4_fixtures.py [OUT]   (default: the committed fixture; `-` prints it)
Scripts/aws.sh regenerates it with the venv's botocore and fails if it differs from the committed one,
so the fixture is botocore's word, not ours.

botocore's own SigV4Auth does the work; only its clock is fixed (the timestamp goes in the request
context, which add_auth would otherwise fill with the current time).
"""
import json
import os
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DEFAULT_OUT = os.path.join(ROOT, "Integrations", "AWS", "Tests", "WebSocketPubSubAWSTests", "Fixtures",
                           "sigv4-botocore.json")

KEY = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TEMPORARY = ("ASIAEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLE//token+with/slashes=")

# name, method, url, headers, body, region, service, timestamp, credentials
REQUESTS = [
    ("post to a connection", "POST",
     "https://abcdef1234.execute-api.us-east-1.amazonaws.com/production/%40connections/L0SM9cOFvHcCIhw%3D",
     [("Content-Type", "application/json")], '{"entityId":"myTestEntityId","message":"Hello world"}',
     "us-east-1", "execute-api", "20240302T101500Z", KEY),
    ("get a connection, temporary credentials", "GET",
     "https://abcdef1234.execute-api.eu-west-1.amazonaws.com/dev/%40connections/IU3kkeN4IAMCJwA%3D",
     [], "", "eu-west-1", "execute-api", "20231231T235959Z", TEMPORARY),
    ("delete a connection", "DELETE",
     "https://abcdef1234.execute-api.us-east-1.amazonaws.com/production/%40connections/a%2Bb%2Fc%3D%3D",
     [], "", "us-east-1", "execute-api", "20240229T000000Z", KEY),
    ("local emulator on a port", "POST", "http://127.0.0.1:8765/%40connections/abc", [("Content-Type", "text/plain")],
     "plain text body", "us-east-1", "execute-api", "20240101T120000Z", KEY),
    ("dynamodb put item", "POST", "https://dynamodb.us-east-1.amazonaws.com/",
     [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.PutItem")],
     '{"TableName":"websocket","Item":{"pk":{"S":"abc"},"sk":{"S":"connection"}}}',
     "us-east-1", "dynamodb", "20240315T083000Z", KEY),
    ("dynamodb on moto, temporary credentials", "POST", "http://127.0.0.1:5000/",
     [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.Query")],
     '{"TableName":"t","KeyConditionExpression":"pk = :p"}', "ap-southeast-2", "dynamodb", "20240601T000001Z",
     TEMPORARY),
    ("query string, sorted and kept encoded", "GET",
     "https://example.amazonaws.com/path/to?b=2&a=1&a=0&empty=&sp=a%20b&slash=%2F",
     [], "", "us-east-1", "service", "20150830T123600Z", KEY),
    ("dot segments and double slashes", "GET", "https://example.amazonaws.com/a/./b/../c//d/", [], "",
     "us-east-1", "service", "20150830T123600Z", KEY),
    ("unicode path", "GET", "https://example.amazonaws.com/%E1%88%B4/%C3%A9t%C3%A9", [], "", "us-east-1", "service",
     "20150830T123600Z", KEY),
    ("header values trimmed, repeated spaces collapsed, names folded", "POST", "https://example.amazonaws.com/",
     [("My-Header1", "  value   with   spaces  "), ("X-Custom", "a\tb"), ("content-type", "text/plain")], "x",
     "us-east-1", "service", "20150830T123600Z", KEY),
    ("user agent and trace id are not signed", "PUT", "https://example.amazonaws.com/item",
     [("User-Agent", "swift-websocket-pubsub"), ("X-Amzn-Trace-Id", "Root=1-abc"), ("Expect", "100-continue"),
      ("X-Extra", "1")], "payload", "us-west-2", "service", "20150830T123600Z", KEY),
    ("explicit host header", "POST", "https://example.amazonaws.com/", [("Host", "example.amazonaws.com")], "",
     "us-east-1", "service", "20150830T123600Z", KEY),
    ("binary body", "POST", "https://example.amazonaws.com/bin", [], bytes(range(256)).decode("latin-1"),
     "us-east-1", "service", "20150830T123600Z", KEY),
]


def sign(name, method, url, headers, body, region, service, timestamp, credentials):
    body_bytes = body.encode("latin-1") if name == "binary body" else body.encode("utf-8")
    request = AWSRequest(method=method, url=url, data=body_bytes, headers=dict(headers))
    request.context["timestamp"] = timestamp
    auth = SigV4Auth(Credentials(*credentials), service, region)
    auth._modify_request_before_signing(request)
    canonical_request = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical_request)
    signature = auth.signature(string_to_sign, request)
    auth._inject_signature_to_request(request, signature)
    return {
        "name": name,
        "method": method,
        "url": url,
        "headers": [[k, v] for k, v in headers],
        "bodyHex": body_bytes.hex(),
        "region": region,
        "service": service,
        "timestamp": timestamp,
        "accessKeyID": credentials[0],
        "secretAccessKey": credentials[1],
        "sessionToken": credentials[2] if len(credentials) > 2 else None,
        "canonicalRequest": canonical_request,
        "stringToSign": string_to_sign,
        "authorization": request.headers["Authorization"],
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    cases = [sign(*row) for row in REQUESTS]
    text = json.dumps({"generator": "Scripts/aws_sigv4_fixtures.py", "cases": cases}, indent=1,
                      ensure_ascii=True) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
