#!/usr/bin/env bash
# Runs the Autobahn TestSuite's permessage-deflate cases (12.* and 13.*) in both roles with
# --permessage-deflate on: the server role against pubsub-server's /echo, the client role with
# autobahn-client. Fails if any case is not OK, NON-STRICT or INFORMATIONAL.
#
# By default only a quick subset runs, for CI: in each of the 12 groups (12.1-12.5: five kinds of
# data; 13.1-13.7: seven negotiations), the cases of 16 B to 4 KiB messages (1-5) and of 8 KiB
# messages cut into 256-byte frames (11), 72 cases per role of 1000 messages each. The full 216
# cases move about 10 GB per role through the Python TestSuite (about 25 minutes per role here):
#   AUTOBAHN_DEFLATE_FULL=1 Scripts/autobahn-deflate.sh
#
# Environment: PUBSUB_SERVER_CMD and AUTOBAHN_CLIENT_CMD as for Scripts/autobahn-server.sh and
# Scripts/autobahn-client.sh (release builds in CI). Reports: reports/server-deflate/, reports/client-deflate/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${AUTOBAHN_DEFLATE_FULL:-0} == 1 ]]; then
    cases='["12.*", "13.*"]'
    timeout=3000
else
    cases=$(python3 -c '
import json
groups = ["12.%d" % g for g in range(1, 6)] + ["13.%d" % g for g in range(1, 8)]
print(json.dumps(["%s.%d" % (g, c) for g in groups for c in (1, 2, 3, 4, 5, 11)]))')
    timeout=600
fi

status=0
AUTOBAHN_DEFLATE=1 AUTOBAHN_CASES="$cases" RUN_TIMEOUT=$timeout Scripts/autobahn-server.sh || status=1
AUTOBAHN_DEFLATE=1 AUTOBAHN_CASES="$cases" RUN_TIMEOUT=$timeout Scripts/autobahn-client.sh || status=1
exit $status
