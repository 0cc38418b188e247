#!/usr/bin/env bash
# The Python 3 virtual environment of the AWS integration's checks, .venv-aws in the repository root
# (made once by Scripts/python-venv.sh; its python's path goes to stdout): botocore (the reference the
# SigV4 signer is compared with), moto's server (the DynamoDB the stores and apigw-local run against),
# and the walkthrough's client (pytest, websockets, boto3).
set -euo pipefail
exec "$(dirname "$0")/python-venv.sh" aws \
    "boto3>=1.34,<2" \
    "botocore>=1.34,<2" \
    "moto[server]>=5,<6" \
    "websockets>=13,<16" \
    "pytest>=7,<9" \
    "pytest-timeout>=2.1,<3"
