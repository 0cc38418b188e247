#!/usr/bin/env bash
# CI for the AWS integration (Integrations/AWS), after its package is built (it builds nothing itself):
#   1. the SigV4 fixture is regenerated with botocore and must equal the committed one, so that the
#      signer's unit tests compare with botocore's signatures, not with a copy of our own;
#   2. moto's server starts (Scripts/moto.sh, a DynamoDB endpoint on 127.0.0.1);
#   3. the package's Swift tests run against it (the stores' conformance checks among them);
#   4. the article's walkthrough and the emulator's contract run as Python tests against
#      apigw-local (Integrations/AWS/Tests/e2e).
#
# Environment:
#   APIGW_LOCAL_CMD   the apigw-local executable (required), e.g. .build-packages/debug/apigw-local
#   PUBSUB_SCRATCH    the scratch folder the package was built in (default Integrations/AWS/.build)
#   AWS_E2E_TIMEOUT   seconds the Python tests may take (default 600)
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/common.sh

if [[ -z ${APIGW_LOCAL_CMD:-} ]]; then
    echo "aws: set APIGW_LOCAL_CMD to apigw-local, built with" >&2
    echo "  swift build --package-path Integrations/AWS --scratch-path .build-packages --build-tests" >&2
    exit 1
fi
scratch=${PUBSUB_SCRATCH:-Integrations/AWS/.build}
python=$(Scripts/aws-venv.sh)

echo "==> aws: the SigV4 fixture is botocore's ($("$python" -c 'import botocore; print(botocore.__version__)'))"
fixture=Integrations/AWS/Tests/WebSocketPubSubAWSTests/Fixtures/sigv4-botocore.json
"$python" Scripts/aws_sigv4_fixtures.py - | diff -u "$fixture" - || {
    echo "aws: botocore signs the fixture's requests differently; regenerate: Scripts/aws_sigv4_fixtures.py" >&2
    exit 1
}

moto_dir=$(mktemp -d "${TMPDIR:-/tmp}/pubsub-moto.XXXXXX")
trap 'Scripts/moto.sh stop "$moto_dir"; rm -rf "$moto_dir"; stop_all_groups' EXIT
PUBSUB_DYNAMODB_URL=$(Scripts/moto.sh start "$moto_dir")
export PUBSUB_DYNAMODB_URL
echo "==> aws: moto's DynamoDB at $PUBSUB_DYNAMODB_URL"

echo "==> aws: Swift tests (events, signer, @connections client, SQS intake, DynamoDB stores)"
swift test --skip-build --package-path Integrations/AWS --scratch-path "$scratch"

echo "==> aws: the article's walkthrough and apigw-local's contract (pytest, websockets, boto3)"
export PYTHONDONTWRITEBYTECODE=1
mkdir -p reports/aws
start_group - timeout -k 10 "${AWS_E2E_TIMEOUT:-600}" "$python" -m pytest -c Integrations/AWS/Tests/e2e/pytest.ini \
    --junitxml reports/aws/junit.xml -p no:cacheprovider Integrations/AWS/Tests/e2e "$@"
status=0
wait "$started_pid" || status=$?
exit "$status"
