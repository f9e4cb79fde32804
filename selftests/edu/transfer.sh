#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte-exact bulk transfers with edu_xfer: over loopback, over veth and over
# an edunic pair between two namespaces, clean and with the link losing,
# reordering, duplicating, corrupting and delaying frames (tc netem on
# veth, edunic's own emulation). Kernel TCP runs each clean case first as
# the yardstick. The counters in EDU_INFO and /proc/net/edu_stats must
# show that the recovery machinery (retransmission, fast retransmit,
# zero-window probes, checksum drops) really ran.
#
# EDU_XFER_BYTES (64 MiB), EDU_IMPAIRED_BYTES (16 MiB) and
# EDU_DELAYED_BYTES (4 MiB, the 40 ms path) set the sizes.

source "$(dirname "$0")/lib.sh"

BYTES=${EDU_XFER_BYTES:-$((64 << 20))}
IMPAIRED=${EDU_IMPAIRED_BYTES:-$((16 << 20))}
DELAYED=${EDU_DELAYED_BYTES:-$((4 << 20))}
SUFFIX=$$
NS1=edux1_$SUFFIX
NS2=edux2_$SUFFIX
trap cleanup_netns EXIT

[ -x "$XFER" ] || { echo "# $XFER missing: run make"; exit $KSFT_SKIP; }
load_edu
edu_ok=$?
[ $edu_ok -eq 1 ] && { echo "# insmod af_edu.ko failed"; exit $KSFT_FAIL; }
SKIP_REASON="af_edu.ko not built"

ktap_header 18

run()	# name family ns_s ns_c addr bytes "sopt" "copt"
{
	local name=$1 fam=$2 nss=$3 nsc=$4 addr=$5 bytes=$6 sopt=$7 copt=$8

	RUN_RC=4
	[ "$fam" = edu ] && [ $edu_ok -ne 0 ] && return 4
	xfer "$name" "$nss" "$nsc" "$fam" "$addr" "$bytes" "$sopt" "$copt"
	RUN_RC=$?
	return $RUN_RC
}

# check name rc condition-description test-expression...
check()
{
	local name=$1 rc=$2 what=$3

	shift 3
	if [ "$rc" -eq 0 ] && ! "$@"; then
		log "$name: expected $what"
		rc=1
	fi
	ktap_result "$rc" "$name"
}

gt0()
{
	[ -n "$1" ] && [ "$1" -gt 0 ]
}

# --- loopback, in a namespace of its own -------------------------------
new_netns "$NS1" || exit $KSFT_FAIL
for fam in tcp edu; do
	run "loopback_$fam" $fam "$NS1" "$NS1" 127.0.0.1 "$BYTES"
	ktap_result $? "loopback_$fam"
done

# zero window: the reader sleeps 4 s before its first read, with a tiny
# receive buffer; the sender must probe the closed window (RFC 9293
# 3.8.6.1), and once the reader drains the buffer the receiver must say so
# with a window update (3.8.6.2.2) rather than leave the sender to find out
# from its next probe: TCP needs about 5 s in all, 30 s is the limit.
for fam in tcp edu; do
	run "zero_window_$fam" $fam "$NS1" "$NS1" 127.0.0.1 $((1 << 20)) \
		"-b 2048 -D 4000 -r 1024 -t 30" "-t 30"
	rc=$?
	if [ $fam = edu ]; then
		check "zero_window_$fam" $rc "zero_wnd_probes > 0" \
			gt0 "$(info_field client zero_wnd_probes)"
	else
		ktap_result $rc "zero_window_$fam"
	fi
done
cleanup_netns

# --- veth between two namespaces, clean then with tc netem --------------
new_netns "$NS1" && new_netns "$NS2" && link_pair veth "$NS1" "$NS2" ||
	exit $KSFT_FAIL
for fam in tcp edu; do
	run "veth_$fam" $fam "$NS2" "$NS1" 10.77.0.2 "$BYTES"
	ktap_result $? "veth_$fam"
done

netem()	# qdisc arguments, applied to the data direction (a -> b) and acks
{
	ip netns exec "$NS1" tc qdisc replace dev edua root netem "$@" &&
	ip netns exec "$NS2" tc qdisc replace dev edub root netem "$@"
}

if netem delay 1ms 2>/dev/null; then
	netem loss 1%
	for fam in tcp edu; do
		run "veth_loss_$fam" $fam "$NS2" "$NS1" 10.77.0.2 "$IMPAIRED"
		check "veth_loss_$fam" $? "total_retrans > 0" \
			gt0 "$(info_field client total_retrans)"
	done
	c=$(info_field client fast_retrans)
	check "veth_loss_edu_fast_retransmit" $RUN_RC "fast_retrans > 0 (was '$c')" gt0 "$c"

	netem delay 2ms reorder 75% 50%
	run veth_reorder_edu edu "$NS2" "$NS1" 10.77.0.2 "$IMPAIRED"
	check veth_reorder_edu $? "dup_acks > 0" \
		gt0 "$(info_field client dup_acks)"

	# a duplicate is dropped as already received: DropDuplicate when it
	# overlaps new data, DropOutOfWindow when it lies wholly before RCV.NXT
	netem duplicate 5%
	before=$(($(edu_stat duplicate "$NS2") + $(edu_stat outofwindow "$NS2")))
	run veth_duplicate_edu edu "$NS2" "$NS1" 10.77.0.2 "$IMPAIRED"
	rc=$?
	after=$(($(edu_stat duplicate "$NS2") + $(edu_stat outofwindow "$NS2")))
	check veth_duplicate_edu $rc "duplicate drops to grow ($before -> $after)" \
		test "$after" -gt "$before"

	netem corrupt 1%
	before=$(edu_stat checksum "$NS2")
	run veth_corrupt_edu edu "$NS2" "$NS1" 10.77.0.2 "$IMPAIRED"
	rc=$?
	after=$(edu_stat checksum "$NS2")
	check veth_corrupt_edu $rc "checksum drop counter to grow ($before -> $after)" \
		test "$after" -gt "$before"

	# a long path: 40 ms round trip, 0.5 % loss each way
	netem delay 20ms loss 0.5%
	for fam in tcp edu; do
		run "veth_delay_loss_$fam" $fam "$NS2" "$NS1" 10.77.0.2 \
			"$DELAYED" "-t 150" "-t 150"
		rc=$?
		rtt=$(info_field client rtt)
		check "veth_delay_loss_$fam" $rc "rtt >= 40000 us (was '$rtt')" \
			test "${rtt:-0}" -ge 40000
	done
else
	for t in loss_tcp loss_edu loss_edu_fast_retransmit reorder_edu \
		 duplicate_edu corrupt_edu delay_loss_tcp delay_loss_edu; do
		ktap_result 4 "veth_$t" "tc netem not available"
	done
fi
cleanup_netns

# --- edunic between two namespaces -------------------------------------
load_edunic
nic=$?
if [ $nic -eq 0 ] && new_netns "$NS1" && new_netns "$NS2" &&
   link_pair edunic "$NS1" "$NS2"; then
	for fam in tcp edu; do
		run "edunic_$fam" $fam "$NS2" "$NS1" 10.77.0.2 "$BYTES"
		ktap_result $? "edunic_$fam"
	done
	# A slow, lossy qdisc in front of edunic, jittery ACKs: spurious
	# timeouts resend super-segments whose clones then wait in the
	# qdisc while ACKs for the first copy trim the send queue under
	# them. edunic has no GSO for protocol 253, so each clone is cut up
	# in software (edu_gso_segment()) only when it leaves the qdisc,
	# and must still hold all of its bytes then.
	if ip netns exec "$NS1" tc qdisc replace dev edua root netem \
		delay 50ms rate 2mbit limit 2000 loss 2% &&
	   ip netns exec "$NS2" tc qdisc replace dev edub root netem \
		delay 50ms 45ms; then
		run edunic_qdisc_requeue_edu edu "$NS2" "$NS1" 10.77.0.2 \
			$((2 << 20)) "-t 120" "-t 120"
		check edunic_qdisc_requeue_edu $? "total_retrans > 0" \
			gt0 "$(info_field client total_retrans)"
		ip netns exec "$NS1" tc qdisc del dev edua root
		ip netns exec "$NS2" tc qdisc del dev edub root
	else
		ktap_result 4 edunic_qdisc_requeue_edu "tc netem not available"
	fi
	# loss, reordering, duplication, corruption and delay at once,
	# on both directions
	emul="loss 1% reorder 2% duplicate 1% corrupt 0.5% delay 1ms"
	# shellcheck disable=SC2086
	if ip -n "$NS1" link set edua type edunic $emul &&
	   ip -n "$NS2" link set edub type edunic $emul; then
		run edunic_impaired_edu edu "$NS2" "$NS1" 10.77.0.2 "$IMPAIRED"
		check edunic_impaired_edu $? "total_retrans > 0" \
			gt0 "$(info_field client total_retrans)"
	else
		ktap_result 1 edunic_impaired_edu
	fi
else
	if [ $nic -eq 0 ]; then
		log "no edunic pair: is $IP_LIB_DIR/link_edunic.so built?"
		nic=1
	fi
	for t in tcp edu qdisc_requeue_edu impaired_edu; do
		ktap_result $nic "edunic_$t" "edunic.ko not built"
	done
fi
cleanup_netns
ktap_finish
