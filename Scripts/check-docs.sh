#!/usr/bin/env bash
# Checks the guides against the code: every ```swift block of README.md and Documentation/*.md is compiled
# (Tests/DocumentationSnippets, or a file it is marked as included from) and every file a guide names exists.
# How to add a snippet: see the comment at the top of Scripts/check_docs.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Scripts/check_docs.py "$@"
