#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The edu tracepoints during a transfer over an edunic pair that loses 2 %
# of the frames each way: check_events.py reads the ftrace record and
# checks that retransmissions are traced with sequence numbers that were
# really sent, that the segments built cover exactly the bytes written,
# that the receiver queued each byte in order once, and that every
# socket's state changes follow RFC 9293's diagram, handshake and close
# in causal order.

source "$(dirname "$0")/../edu/lib.sh"

T=/sys/kernel/tracing
BYTES=$((1 << 20))
NS1=edut1_$$
NS2=edut2_$$

[ -x "$XFER" ] || { echo "# $XFER missing: run make"; exit $KSFT_SKIP; }
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
load_edunic || exit $KSFT_FAIL
load_edu || exit $KSFT_FAIL
[ -d $T/events/edu ] || { echo "# no edu tracepoints in af_edu.ko"; exit $KSFT_FAIL; }

trace_off()
{
	echo 0 > $T/tracing_on
	echo > $T/set_event
	cleanup_netns
}
trap trace_off EXIT

new_netns "$NS1" && new_netns "$NS2" && link_pair edunic "$NS1" "$NS2" ||
	exit $KSFT_FAIL
ip -n "$NS1" link set edua type edunic loss 2% &&
ip -n "$NS2" link set edub type edunic loss 2% || exit $KSFT_FAIL

echo 0 > $T/tracing_on
echo nop > $T/current_tracer
echo > $T/set_event
echo global > $T/trace_clock
echo 32768 > $T/buffer_size_kb
echo > $T/trace
echo 1 > $T/events/edu/enable
echo 1 > $T/tracing_on
xfer loss_transfer "$NS2" "$NS1" edu 10.77.0.2 $BYTES "-t 120" "-t 120"
rc=$?
sleep 0.5	# the last FIN and ACK
echo 0 > $T/tracing_on
record=$(mktemp /tmp/edu_tp.XXXXXX)
cat $T/trace > "$record"
echo > $T/trace
echo "# $(grep -c ': edu_' "$record") edu events;" \
	"$(grep -c ': edu_retransmit:' "$record") retransmissions"

ktap_header 9
ktap_result $rc transfer_under_loss
python3 "$(dirname "$0")/check_events.py" --bytes $BYTES --port $XFER_PORT \
	--client-info "$(grep '^client info' "$XFER_OUT")" "$record" |
	while read -r status name rest; do
		if [ "$status" = "#" ]; then
			echo "# $name $rest"
			continue
		fi
		ktap_n=$((ktap_n + 1))
		if [ "$status" = ok ]; then
			echo "ok $ktap_n $name"
		else
			echo "not ok $ktap_n $name${rest:+ # $rest}"
		fi
	done
status=${PIPESTATUS[0]}
rm -f "$record" "$XFER_OUT"
[ $rc -eq 0 ] && [ "$status" -eq 0 ] && exit $KSFT_PASS
exit $KSFT_FAIL
