#!/usr/bin/env bash
# Benchmark: vendorwatch against nDPI's reader and a bare libpcap read loop, on the standard
# bench-mix capture, in one run, alternating, medians over RUNS runs.
#   tests/bench/run.sh BENCH_MIX.pcap [BUILD_DIR] [RUNS]        (default build, 3)
# BENCH_MIX.pcap is made by ../shared/bench/make-bench-mix.sh (built at that path if missing).
# Prints the load average before each run (the machine is shared).
# Needs: ../shared/bench/make-bench-mix.sh (mergecap/capinfos from wireshark-common), ndpiReader
# (libndpi-bin), /usr/bin/time (package time). Prints a table; timing is never asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mix=${1:?usage: run.sh BENCH_MIX.pcap [BUILD_DIR] [RUNS]}
build=${2:-$here/build}
runs=${3:-3}
shared=${VW_SHARED_DIR:-$here/../shared}
work=${VW_BENCH_DIR:-$build/bench}
mkdir -p "$work"
if [ ! -s "$mix" ]; then
  echo "bench: building $mix" >&2
  sh "$shared/bench/make-bench-mix.sh" "$mix" >&2
fi
vw=$build/cli/vendorwatch
bare=$build/capture/pcap_read_bench
[ -x "$vw" ] && [ -x "$bare" ] || { echo "bench: build $build first" >&2; exit 2; }
packets=$(capinfos -c -M "$mix" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')

declare -A cmd
cmd[bare]="$bare $mix"
cmd[ndpiReader]="ndpiReader -i $mix -q -e 0"
cmd[vw-1]="$vw scan -q --workers 1 $mix"
cmd[vw-2]="$vw scan -q --workers 2 $mix"
order=(bare ndpiReader vw-1 vw-2)

loads=
for r in $(seq 1 "$runs"); do
  loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
  for name in "${order[@]}"; do
    /usr/bin/time -f "%e %M" -o "$work/$name.$r.time" ${cmd[$name]} > /dev/null 2> "$work/$name.$r.err" || {
      echo "bench: $name failed, see $work/$name.$r.err" >&2; exit 1; }
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-12s %10s %12s %14s %10s %10s\n' command median_s Mpps peak_RSS_MiB "vs nDPI" "vs bare"
bare_t=$(for r in $(seq 1 "$runs"); do cut -d' ' -f1 "$work/bare.$r.time"; done | median)
ndpi_t=$(for r in $(seq 1 "$runs"); do cut -d' ' -f1 "$work/ndpiReader.$r.time"; done | median)
for name in "${order[@]}"; do
  t=$(for r in $(seq 1 "$runs"); do cut -d' ' -f1 "$work/$name.$r.time"; done | median)
  m=$(for r in $(seq 1 "$runs"); do cut -d' ' -f2 "$work/$name.$r.time"; done | sort -n | tail -1)
  awk -v n="$name" -v t="$t" -v m="$m" -v p="$packets" -v nd="$ndpi_t" -v b="$bare_t" \
    'BEGIN {printf "%-12s %10.2f %12.2f %14.1f %9.2fx %9.1fx\n", n, t, p/t/1e6, m/1024, nd/t, t/b}'
done
echo "packets: $packets; runs: $runs (medians); capture: $mix"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load (1 min) before each run:$loads"
