#!/usr/bin/env bash
# Live benchmark (issue 15): how much of a burst each capture tool processes.
#   tests/bench/live.sh BENCH_MIX.pcap [BUILD_DIR] [RUNS] [WORKERS]     (default build, 3, 2)
# BENCH_MIX.pcap is made by ../shared/bench/make-bench-mix.sh (built at that path if missing).
# Builds the live slice (the first 300,000 records of bench-mix with a captured length of at most
# 9,000 bytes and a sane original length, tests/bench/live_slice.py), creates two network
# namespaces joined by a veth pair with MTU 9100 (vwlive-bench-a/b, livebA/livebB), and for
# RUNS rounds, alternating, captures on livebB with each tool while `tcpreplay --topspeed` sends
# the slice into livebA:
#   tcpdump -w /dev/null, the bare libpcap loop (capture/tools/pcap_read_bench -i: the same
#   ring as vendorwatch's default, touches every packet, nothing else), ndpiReader -i,
#   vendorwatch live --workers 1 and --workers WORKERS
#   (default ring: 128 MiB per interface), and the same two with --buffer-size 32 (the ring of
#   the previous capture path), which shows what the processing sustains when the burst does
#   not fit the ring.
# Prints the packets each processed as a percentage of those sent (median, min, max), the
# kernel's drop counter where the tool reports it, the replay rate and the load average at
# the start of each replay. Root only. Needs ip, tcpreplay, tcpdump, ndpiReader (libndpi-bin).
# Before each round it waits (up to VW_BENCH_WAIT seconds, default 1800) for a 1-minute load
# average below VW_BENCH_MAX_LOAD (default 0.5): the machine is shared, the table says the load.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mix=${1:?usage: live.sh BENCH_MIX.pcap [BUILD_DIR] [RUNS] [WORKERS]}
build=${2:-$here/build}
runs=${3:-3}
nw=${4:-2}
shared=${VW_SHARED_DIR:-$here/../shared}
work=${VW_BENCH_DIR:-$build/bench}
max_load=${VW_BENCH_MAX_LOAD:-0.5}
max_wait=${VW_BENCH_WAIT:-1800}
vw=$build/cli/vendorwatch
bare=$build/capture/pcap_read_bench
[ "$(id -u)" = 0 ] || { echo "live.sh: needs root (network namespaces)" >&2; exit 2; }
[ -x "$vw" ] && [ -x "$bare" ] || { echo "live.sh: build $build first" >&2; exit 2; }
for t in ip tcpreplay tcpdump ndpiReader; do
  command -v "$t" >/dev/null || { echo "live.sh: $t not installed" >&2; exit 2; }
done
mkdir -p "$work"
slice=$work/live-slice.pcap
if [ ! -s "$mix" ]; then
  echo "live.sh: building $mix" >&2
  sh "$shared/bench/make-bench-mix.sh" "$mix" >&2
fi
if [ ! -s "$slice" ] || [ "$mix" -nt "$slice" ]; then
  python3 "$here/tests/bench/live_slice.py" "$mix" "$slice" 300000 >&2
fi

NS_A=vwlive-bench-a NS_B=vwlive-bench-b IF_A=livebA IF_B=livebB
teardown() { ip netns del $NS_A 2>/dev/null || true; ip netns del $NS_B 2>/dev/null || true; }
trap teardown EXIT
teardown
ip netns add $NS_A
ip netns add $NS_B
for ns in $NS_A $NS_B; do
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip link add $IF_A netns $NS_A type veth peer name $IF_B netns $NS_B
ip -n $NS_A link set $IF_A mtu 9100 up
ip -n $NS_B link set $IF_B mtu 9100 up

load1() { cut -d' ' -f1 /proc/loadavg; }
wait_quiet() {
  local waited=0
  while awk -v l="$(load1)" -v m="$max_load" 'BEGIN {exit !(l >= m)}'; do
    if [ "$waited" -ge "$max_wait" ]; then
      echo "live.sh: load $(load1) still >= $max_load after ${max_wait}s; measuring anyway" >&2
      return
    fi
    sleep 20
    waited=$((waited + 20))
  done
}

res=$work/live-results.txt
: > "$res"
tools=(tcpdump bare ndpiReader vw-1 "vw-$nw" vw32-1 "vw32-$nw")
for r in $(seq 1 "$runs"); do
  wait_quiet
  for tool in "${tools[@]}"; do
    err=$work/live-$tool.$r.err
    case $tool in
      tcpdump) cmd=(tcpdump -n -i $IF_B -w /dev/null); ready="listening on" ;;
      bare) cmd=("$bare" -i $IF_B); ready="listening on" ;;
      ndpiReader) cmd=(ndpiReader -i $IF_B); ready="Running thread" ;;
      vw-*) cmd=("$vw" live -i $IF_B --no-table --workers "${tool#vw-}"); ready="capturing on" ;;
      vw32-*)
        cmd=("$vw" live -i $IF_B --no-table --buffer-size 32 --workers "${tool#vw32-}")
        ready="capturing on" ;;
    esac
    ip netns exec $NS_B "${cmd[@]}" > "$err.out" 2> "$err" &
    pid=$!
    for _ in $(seq 1 200); do
      grep -q "$ready" "$err" "$err.out" 2>/dev/null && break
      sleep 0.1
    done
    sleep 1
    load=$(load1)
    rep=$(ip netns exec $NS_A tcpreplay --topspeed -i $IF_A "$slice" 2>&1)
    sent=$(echo "$rep" | sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p')
    pps=$(echo "$rep" | sed -n 's/.*Rated: .* \([0-9.]*\) pps.*/\1/p')
    sleep 3
    kill -INT $pid
    wait $pid || true
    case $tool in
      tcpdump)
        got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$err")
        drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$err") ;;
      bare)
        got=$(sed -n 's/^packets \([0-9]*\) .*/\1/p' "$err.out")
        drop=$(sed -n 's/.*kernel received [0-9]* dropped \([0-9]*\) .*/\1/p' "$err.out") ;;
      ndpiReader)
        got=$(sed -n 's/.*IP packets: *[0-9]* *of \([0-9]*\) packets total.*/\1/p' "$err.out")
        drop=- ;;
      vw*)
        got=$(sed -n 's/.*live: \([0-9]*\) packets.*/\1/p' "$err")
        drop=$(sed -n 's/.*kernel received [0-9]*, dropped \([0-9]*\),.*/\1/p' "$err") ;;
    esac
    echo "$tool $r ${sent:-0} ${got:-0} ${drop:--} $load ${pps:-?}" >> "$res"
    echo "live.sh: run $r $tool: sent ${sent:-?} processed ${got:-?} drops ${drop:--} load $load replay ${pps:-?} pps" >&2
  done
done

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -r)"
echo "live: $(basename "$slice") (300,000 packets) by tcpreplay --topspeed over a veth pair (MTU 9100), $runs runs"
printf '%-26s %9s %9s %9s %12s %10s %16s %12s\n' tool "median %" "min %" "max %" "vs tcpdump" \
  "drops" "replay kpps" "load (1 min)"
for tool in "${tools[@]}"; do
  awk -v t="$tool" '
    $1 == "tcpdump" { td[$2] = $4 }
    $1 == t { n++; p[n] = 100 * $4 / $3; g[n] = $4; r[n] = $2; d = d (d == "" ? "" : ",") $5;
              k = k (k == "" ? "" : ",") sprintf("%.0f", $7 / 1000); l = l (l == "" ? "" : ",") $6 }
    END {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (p[j] < p[i]) { x = p[i]; p[i] = p[j]; p[j] = x }
      med = (n % 2) ? p[(n + 1) / 2] : (p[n / 2] + p[n / 2 + 1]) / 2
      vs = 100; m = 0
      for (i = 1; i <= n; i++) if (td[r[i]] > 0) { v = 100 * g[i] / td[r[i]]; if (m == 0 || v < vs) vs = v; m = 1 }
      name = t; if (t == "bare") name = "bare libpcap loop"
      if (t ~ /^vw-/) name = "vendorwatch --workers " substr(t, 4)
      if (t ~ /^vw32-/) name = "vw --buffer-size 32 -w " substr(t, 6)
      printf "%-26s %9.2f %9.2f %9.2f %11.2f%% %10s %16s %12s\n", name, med, p[1], p[n], vs, d, k, l
    }' "$res"
done
echo "(vs tcpdump: the lowest ratio over the runs of packets processed to tcpdump's count in the same round)"
