#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: the demo, a tour. Each step says what it shows; the output
# is the evidence. Two hosts (network namespaces h1 and h2) are joined by an
# edunic pair, the virtual NIC whose receive path is interrupt -> NAPI poll
# -> sk_buff -> ethertype demux -> IP -> protocol demux. Then an AF_EDU
# exchange over it, seen four ways: the programs, the path tracer's numbered
# steps (scripts/edu-trace), tshark's decode of a capture (scripts/edu.lua)
# and edustat's view of the sockets.
set -eu
TOP=${AF_EDU_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP"
. scripts/lib/twohosts.sh

step() { printf '\n=== %s\n' "$*"; }

step "1. Load edunic and create the pair: ip link add e1 type edunic peer name e2"
twohosts_up edunic || { echo "demo: no edunic pair" >&2; exit 1; }
ip -n $H1 -br addr show e1
ip -n $H2 -br addr show e2
ip -n $H1 -d link show e1 | sed -n '1,3p'

step "2. ping h1 -> h2 (ARP, then ICMP echo over the descriptor rings)"
ip netns exec $H1 ping -c 3 -i 0.2 $H2_ADDR

step "3. Kernel TCP over edunic: iperf3 for 2 s, while tcpdump listens on h2"
ip netns exec $H2 tcpdump -i e2 -n -c 12 -w /tmp/demo-tcp.pcap 2>/dev/null &
dump=$!
sleep 1
ip netns exec $H2 iperf3 -s -D -1 >/dev/null
sleep 0.5
ip netns exec $H1 iperf3 -c $H2_ADDR -t 2 | grep -E 'sender|receiver'
wait $dump || true
echo "--- first frames tcpdump saw on e2 (the handshake):"
tcpdump -n -r /tmp/demo-tcp.pcap 2>/dev/null | head -6

step "4. What the NIC counted (ethtool -S e2, non-zero counters)"
ip netns exec $H2 ethtool -S e2 | awk -F: 'NR == 1 || $2 + 0 != 0'

[ -f module/edu/af_edu.ko ] || { step "done (af_edu.ko not built)"; twohosts_down; exit 0; }
[ -d /sys/module/af_edu ] || insmod module/edu/af_edu.ko
PCAP=/tmp/demo-edu.pcap
LUA="-X lua_script:scripts/edu.lua"

step "5. AF_EDU: socket(AF_EDU, SOCK_STREAM, 0) from h1 to h2, IP protocol 253"
echo "family $(cat /sys/module/af_edu/parameters/family)," \
	"IP protocol $(cat /sys/module/af_edu/parameters/ipproto); tcpdump listens on e2"
ip netns exec $H2 tcpdump -i e2 -n -U -w $PCAP 'ip proto 253' 2>/tmp/demo-dump.log &
dump=$!
for _ in $(seq 50); do
	grep -q listening /tmp/demo-dump.log && break
	sleep 0.1
done
ip netns exec $H2 scripts/tools/edu-hello server 7000 &
srv=$!
twohosts_wait_listen $H2 7000
ip netns exec $H1 scripts/tools/edu-hello client $H2_ADDR 7000 "hello, af_edu"
wait $srv
sleep 0.5
kill -INT $dump 2>/dev/null || true
wait $dump 2>/dev/null || true

step "6. The path of one write(): the tracer's numbered steps S1..S11, R1..R12"
if [ -x scripts/edu-trace ]; then
	scripts/edu-trace || echo "(edu-trace failed: status $?)"
	# The tracer builds its own hosts; make sure ours are there again.
	ip netns exec $H1 true 2>/dev/null && ip netns exec $H2 true 2>/dev/null ||
		twohosts_up edunic
else
	echo "(scripts/edu-trace is not in this tree)"
fi

step "7. tshark with scripts/edu.lua: the capture of step 5, segment by segment"
echo "--- handshake, data and its ACK, the reply, the close (relative numbers)"
tshark $LUA -n -r $PCAP 2>&1 | grep -v '^Running as user "root"'
echo "--- the SYN in full (tshark -V): ports, numbers, flags, window, checksum, options"
tshark $LUA -n -r $PCAP -V -c 1 2>/dev/null | sed -n '/^AF_EDU Transport/,$p'

step "8. edustat: the sockets of a running transfer, with EDU_INFO detail (-i)"
ip netns exec $H2 scripts/tools/edu-perf server -p 7100 >/dev/null &
srv=$!
twohosts_wait_listen $H2 7100
ip netns exec $H1 scripts/tools/edu-perf client -H $H2_ADDR -p 7100 -t 8 >/dev/null &
cli=$!
sleep 2
echo "--- h2: edustat -a (the listener, the connection)"
ip netns exec $H2 scripts/tools/edustat -a
echo "--- h1: edustat -i (RTT, windows, congestion window, bytes)"
ip netns exec $H1 scripts/tools/edustat -i
wait $cli || true
kill $srv 2>/dev/null || true
wait $srv 2>/dev/null || true
echo "--- h1 after the close: edustat -a (the active closer waits in TIME_WAIT)"
ip netns exec $H1 scripts/tools/edustat -a
echo "--- h1: edustat -S, the protocol counters (non-zero)"
ip netns exec $H1 scripts/tools/edustat -S | head -20

step "done"
twohosts_down
