#!/usr/bin/env bash
# vendorwatch developer entry point.
#   ./dev.sh demo   install packages, build, scan the bundled demo capture and print the host table
#   ./dev.sh test   install packages, check the format, build (warnings as errors), run
#                   clang-tidy (.clang-tidy allow-list, findings are errors), run every
#                   test through ctest, then the unit tests again under ASan+UBSan, and the
#                   threaded pipeline under ThreadSanitizer
#   ./dev.sh deps   only install the Debian packages
#   ./dev.sh build  only build (Release, build/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
jobs=${JOBS:-$(nproc)}
# In CI (CI=true or VW_CI=1; .ci/run sets VW_NO_SKIP=1) a test whose tool or input is missing
# fails instead of skipping (tests/e2e/vwtest.py, tests/unit/no_skip.h read the same variables).
if [ "${CI:-}" = true ] || [ "${VW_CI:-0}" != 0 ]; then export VW_NO_SKIP=1; fi

# Build dependencies, and the real peers the tests run (tshark, rsyslog, tcpreplay, ...).
PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev clang-format-14 clang-tidy-14
      libpcap-dev libndpi-dev libndpi-bin libboost-dev libboost-system-dev libfmt-dev catch2
      libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libssl-dev libsodium-dev
      tshark wireshark-common tcpdump tcpreplay iproute2 rsyslog rsyslog-openssl
      dnsmasq dnsutils curl python3 python3-scapy python3-cryptography bind9-utils time
      chromium bsdutils util-linux libsqlite3-dev)

deps() {
  local missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "dev.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

build() {
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >&2
  cmake --build "$dir" -j"$jobs" >&2
}

# ctest in build dir $1 with the rest as arguments. Under VW_NO_SKIP=1 (CI, set by .ci/run) a
# test that ctest reports as skipped or not run fails the step too: the scripts already turn
# their own skips into failures then, and this catches any test that still skips.
run_ctest() {
  local dir=$1; shift
  local log="$dir/ctest-output.log" rc=0
  (cd "$dir" && ctest --output-on-failure "$@") 2>&1 | tee "$log" || rc=$?
  if [ "${VW_NO_SKIP:-0}" != 0 ] && grep -Eq '\((Skipped|Not Run|Disabled)\)|\*\*\*Not Run' "$log"; then
    echo "dev.sh: VW_NO_SKIP=1 and ctest did not run every test (see 'did not run' above)" >&2
    return 1
  fi
  return $rc
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build build -DCMAKE_BUILD_TYPE=Release ;;
  demo)
    deps
    build build -DCMAKE_BUILD_TYPE=Release -DVW_BUILD_TESTS=OFF
    ./build/cli/vendorwatch scan --table --summary build/demo-summary.json pcaps/demo.pcap \
      > build/demo-events.jsonl
    echo "vendorwatch: events in build/demo-events.jsonl, summary in build/demo-summary.json" >&2
    ;;
  test)
    deps
    # Every tracked C++ file as clang-format 14 writes it (fix: .ci/format-check --fix).
    .ci/format-check
    build build -DCMAKE_BUILD_TYPE=Release -DVW_WERROR=ON -DVW_BUILD_TESTS=ON
    # clang-tidy allow-list (.clang-tidy: bugprone-*, performance-*), every finding an error.
    .ci/clang-tidy build "$jobs"
    run_ctest build -j"$jobs"
    # Unit tests and fuzz-corpus replays again under AddressSanitizer + UBSan.
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DVW_WERROR=ON -DVW_BUILD_TESTS=ON \
      -DVW_SANITIZER=address,undefined
    run_ctest build-asan -j"$jobs" -L 'unit|fuzz-regression|asan'
    # The threaded pipeline (packet rings, reader and workers) under ThreadSanitizer.
    build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_BUILD_TESTS=ON -DVW_SANITIZER=thread
    run_ctest build-tsan -j"$jobs" -L tsan
    ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
