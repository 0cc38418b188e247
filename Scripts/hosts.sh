#!/usr/bin/env bash
# CI for the host adapters (Integrations/HummingbirdHost, Integrations/VaporHost): for each, a debug
# build of everything (the seed app is its executable's main.swift), a check that the README shows
# that same code, its unit tests, then the pub/sub part of the end-to-end suite against its executable
# (Scripts/e2e-hosts.sh). One package at a time: the machine is small and Vapor's first build is long.
# Debug builds: these runs check behaviour, not speed.
#
# Usage: Scripts/hosts.sh [hummingbird] [vapor]   (default: both)
# PUBSUB_SCRATCH: a scratch folder shared with other packages (CI's), instead of each package's .build.
set -euo pipefail
cd "$(dirname "$0")/.."

# check_seed_app PACKAGE: the README's block after `<!-- seed-app: FILE -->` must be FILE exactly.
check_seed_app() {
    local package=$1 file
    file=$(sed -n 's/^<!-- seed-app: \(.*\) -->$/\1/p' "$package/README.md")
    [[ -n $file ]] || { echo "$package/README.md has no <!-- seed-app: FILE --> marker" >&2; return 1; }
    if ! diff -u "$package/$file" <(awk '/^<!-- seed-app: /{on=1; next} on && /^```swift$/{body=1; next}
            body && /^```$/{exit} body' "$package/README.md"); then
        echo "$package/README.md: the seed app differs from $file (above: README is +)" >&2
        return 1
    fi
    echo "$package: README's seed app is $file ($(wc -l <"$package/$file") lines)"
}

hosts=("$@")
((${#hosts[@]})) || hosts=(hummingbird vapor)
for host in "${hosts[@]}"; do
    case $host in
        hummingbird) package=Integrations/HummingbirdHost ;;
        vapor) package=Integrations/VaporHost ;;
        *)
            echo "unknown host '$host' (hummingbird, vapor)" >&2
            exit 2
            ;;
    esac
    scratch=${PUBSUB_SCRATCH:-$package/.build}
    echo "==> $host: build (debug, with tests, in $scratch)"
    swift build --build-tests --package-path "$package" --scratch-path "$scratch"
    check_seed_app "$package"
    echo "==> $host: unit tests"
    swift test --skip-build --package-path "$package" --scratch-path "$scratch"
    echo "==> $host: end-to-end (pub/sub part) against pubsub-$host"
    Scripts/e2e-hosts.sh "$host"
done
