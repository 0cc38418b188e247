#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each one for a number of seconds.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]     # default: 60 seconds, every target
#   Fuzz/run.sh 0                          # build only
#   FUZZ_EXTRA_FLAGS="-jobs=2" Fuzz/run.sh  # extra libFuzzer flags
#
# Each target is compiled with swiftc directly, together with the sources of the module it tests,
# into one module (so no unsafe flags enter Package.swift). Everything goes to .build-fuzz/:
# binaries in bin/, a working copy of the committed corpus in corpus/ (the committed seeds in
# Fuzz/Corpus stay small), logs in logs/, crash inputs in artifacts/. Exits non-zero when a
# target fails to build or finds a crash or a property violation.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true

all_targets=(FrameDecoder Connection ServerHandshake ClientHandshake JSONScanner Gateway UTF8Validator Deflate)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=("${all_targets[@]}"); fi

out=.build-fuzz
# A crash report from libFuzzer is enough; the Swift backtracer would symbolicate for minutes.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
mkdir -p "$out/bin" "$out/corpus" "$out/logs" "$out/artifacts"

# The module each target is compiled with, and the longest input worth trying.
module_of() {
    case "$1" in
        FrameDecoder | Connection | ServerHandshake | ClientHandshake | UTF8Validator) echo WebSocketCodec ;;
        JSONScanner | Gateway) echo WebSocketPubSub ;;
        Deflate) echo WebSocketCompression ;;
        *) echo "unknown target $1" >&2; exit 2 ;;
    esac
}
dict_of() {
    case "$1" in
        ServerHandshake | ClientHandshake) echo Fuzz/Dictionaries/http.dict ;;
        JSONScanner | Gateway) echo Fuzz/Dictionaries/json.dict ;;
        Deflate) echo Fuzz/Dictionaries/deflate.dict ;;
    esac
}
max_len_of() {
    case "$1" in
        FrameDecoder) echo 4096 ;;
        Connection) echo 8192 ;;
        ServerHandshake | ClientHandshake) echo 4096 ;;
        JSONScanner) echo 4096 ;;
        Gateway) echo 2048 ;;
        UTF8Validator) echo 1024 ;;
        Deflate) echo 2048 ;;
    esac
}
support_of() {
    case "$1" in
        ServerHandshake | ClientHandshake)
            echo Fuzz/Support/FuzzSupport.swift Fuzz/Support/ReferenceSHA1.swift Fuzz/Support/HandshakeModel.swift
            ;;
        JSONScanner | Gateway)
            echo Fuzz/Support/FuzzSupport.swift Fuzz/Support/ReferenceJSON.swift Fuzz/Support/SynchronousDriver.swift
            ;;
        *) echo Fuzz/Support/FuzzSupport.swift ;;
    esac
}

swift_flags=(
    -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name swift_websocket_pubsub
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
)
if command -v ld.lld >/dev/null 2>&1; then swift_flags+=(-use-ld=lld); fi

# The C target the codec imports (CWebSocketUTF8: vector UTF-8 validation), compiled once with the
# same sanitizers and handed to swiftc as an object file and a module map.
c_module=Sources/CWebSocketUTF8
c_object="$out/obj/CWebSocketUTF8.o"
build_c_module() {
    mkdir -p "$out/obj"
    clang -c -O2 -g -fsanitize=fuzzer-no-link,address -I "$c_module/include" "$c_module/CWebSocketUTF8.c" \
        -o "$c_object"
}

build() {
    local target=$1 module
    module=$(module_of "$target")
    # Compile a snapshot, so that sources edited during the build do not fail it.
    local snapshot="$out/src/$target"
    rm -rf "$snapshot"
    mkdir -p "$snapshot"
    cp -R "Sources/$module" "$snapshot/module"
    local extra_flags=()
    if [ "$module" = WebSocketCompression ]; then
        # One module with the codec it builds on: drop the imports of it, link the system zlib.
        cp -R Sources/WebSocketCodec "$snapshot/module/WebSocketCodec"
        find "$snapshot/module" -name '*.swift' -exec sed -i.orig -E '/^(public )?import WebSocketCodec$/d' {} +
        find "$snapshot/module" -name '*.orig' -delete
        extra_flags=(-I Sources/CZlib -lz)
    fi
    # Renamed, since swiftc rejects two files of one name (JSONScanner.swift) in a module.
    cp "Fuzz/Targets/$target.swift" "$snapshot/FuzzTarget$target.swift"
    local files
    files=$(find "$snapshot/module" -name '*.swift' | sort)
    echo "== building $target (with Sources/$module)"
    local c_flags=()
    if [ "$module" = WebSocketCodec ] || [ "$module" = WebSocketCompression ]; then
        c_flags=(-I "$c_module/include" "$c_object")
    fi
    # shellcheck disable=SC2046,SC2086
    if ! swiftc "${swift_flags[@]}" ${extra_flags[@]+"${extra_flags[@]}"} -module-name "Fuzz$target" $files \
        $(support_of "$target") "$snapshot/FuzzTarget$target.swift" "${c_flags[@]}" -o "$out/bin/$target" \
        >"$out/logs/$target.build.log" 2>&1; then
        grep -E 'error' "$out/logs/$target.build.log" >&2 || cat "$out/logs/$target.build.log" >&2
        return 1
    fi
}

status=0
if ! build_c_module; then
    echo "!! CWebSocketUTF8 failed to build" >&2
    exit 1
fi
for target in "${targets[@]}"; do
    if ! build "$target"; then
        echo "!! $target failed to build" >&2
        status=1
    fi
done
if [ "$seconds" -eq 0 ] || [ $status -ne 0 ]; then exit $status; fi

summary=()
for target in "${targets[@]}"; do
    corpus="$out/corpus/$target"
    mkdir -p "$corpus"
    cp -n Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    log="$out/logs/$target.log"
    echo "== fuzzing $target for ${seconds}s (log: $log)"
    result=ok
    dict=$(dict_of "$target")
    # shellcheck disable=SC2086
    if ! "$out/bin/$target" "$corpus" -max_total_time="$seconds" -max_len="$(max_len_of "$target")" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$out/artifacts/$target-" \
        ${dict:+-dict="$dict"} ${FUZZ_EXTRA_FLAGS:-} >"$log" 2>&1; then
        result=FAILED
        status=1
        grep -E 'property violated|Fatal error|ERROR: |SUMMARY|Test unit written' "$log" | head -n 8 >&2 || true
    fi
    executions=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || echo "cov: ? ft: ?")
    summary+=("$(printf '%-16s %-7s executions: %-10s %s' "$target" "$result" "$executions" "$coverage")")
done

echo
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit $status
