#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each link-emulation knob of `ip link set DEV type edunic ...` does what it
# says: checked by what arrives (numbered UDP datagrams, ping RTTs, TCP
# throughput and content) and by the counters that prove it happened.
# Out-of-range values are refused with EINVAL and a message.

source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

edunic_load
ktap_header 12

check "pair between two namespaces" pair_up

emul()	# emul OPTIONS...: set edu0's emulation
{
	ip -n "$NSA" link set edu0 type edunic "$@"
}

test_reject()
{
	local opt msg

	for opt in "loss 101" "duplicate 100.5" "reorder 200" "corrupt 1000" \
		   "delay 11s" "jitter 10000001"; do
		# shellcheck disable=SC2086
		if msg=$(emul $opt 2>&1); then
			log "'$opt' accepted"
			return 1
		fi
		case $msg in
		*"at most"*) ;;
		*) log "'$opt': unexpected error '$msg'"; return 1 ;;
		esac
	done
	ip -n "$NSA" -d link show edu0 | grep -q "loss 0% " ||
		{ log "a refused value changed the settings"; return 1; }
}
check "out-of-range values refused with a message" test_reject

# udp_counted KNOB VALUE COUNT GAP_US: with edu0's KNOB at VALUE, send
# COUNT datagrams, then set R (the receiver's summary line) and the deltas
# of edu0's counters in D_<name>; the knob is back at 0 afterwards.
udp_counted()
{
	local names="tx_packets emul_lost emul_duplicated emul_reordered emul_corrupted"
	local knob=$1 n b

	emul "$knob" "$2" || return 1
	shift 2

	declare -gA B
	for n in $names; do
		B[$n]=$(counter "$NSA" edu0 "$n")
	done
	b=$(counter "$NSB" edu1 rx_crc_errors)
	R=$(udp_run "$NSA" "$NSB" $IPB "$1" "$2")
	log "$R"
	for n in $names; do
		declare -g "D_$n=$(( $(counter "$NSA" edu0 "$n") - B[$n] ))"
	done
	D_crc=$(( $(counter "$NSB" edu1 rx_crc_errors) - b ))
	emul "$knob" 0
}

test_loss_all()
{
	udp_counted loss 100 50 0 || return 1
	expect "received" "$(field "$R" received)" -eq 0 &&
	expect "emul_lost" "$D_emul_lost" -eq 50 &&
	expect "tx_packets" "$D_tx_packets" -eq 50
}
check "loss 100%: nothing arrives, every frame counted lost" test_loss_all

test_loss_some()
{
	local got

	udp_counted loss 30% 300 100 || return 1
	got=$(field "$R" received)
	expect "received" "$got" -ge 150 && expect "received" "$got" -le 270 &&
	expect "received + lost" $((got + D_emul_lost)) -eq 300
}
check "loss 30%: about 70% arrive, the rest counted" test_loss_some

test_duplicate()
{
	udp_counted duplicate 100 50 100 || return 1
	expect "received" "$(field "$R" received)" -eq 100 &&
	expect "duplicates" "$(field "$R" duplicates)" -eq 50 &&
	expect "emul_duplicated" "$D_emul_duplicated" -eq 50
}
check "duplicate 100%: every datagram arrives twice" test_duplicate

test_reorder()
{
	udp_counted reorder 30 200 0 || return 1
	expect "reordered at the receiver" "$(field "$R" reordered)" -gt 0 &&
	expect "emul_reordered" "$D_emul_reordered" -gt 0 &&
	expect "duplicates" "$(field "$R" duplicates)" -eq 0
}
check "reorder 30%: datagrams overtake the held ones" test_reorder

test_corrupt_all()
{
	udp_counted corrupt 100 30 100 || return 1
	expect "received" "$(field "$R" received)" -eq 0 &&
	expect "emul_corrupted" "$D_emul_corrupted" -eq 30 &&
	expect "edu1 rx_crc_errors" "$D_crc" -eq 30
}
check "corrupt 100%: every frame fails the FCS check at edu1" test_corrupt_all

test_corrupt_tcp()
{
	local b line

	b=$(counter "$NSB" edu1 rx_crc_errors)
	emul corrupt 5 || return 1
	line=$(tcp_run "$NSA" "$NSB" $IPB $((1 << 20)))
	local rc=$?

	emul corrupt 0
	log "$line"
	[ $rc -eq 0 ] &&
	expect "edu1 rx_crc_errors" $(( $(counter "$NSB" edu1 rx_crc_errors) - b )) -gt 0
}
check "corrupt 5%: TCP still delivers the exact bytes" test_corrupt_tcp

# min/avg/max of the last ping, in whole milliseconds
rtts()
{
	sed -n 's#.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\).*#\1 \2 \3#p' \
		"$TMPD/ping" | awk '{ printf "%d %d %d\n", $1, $2, $3 }'
}

test_delay()
{
	local min avg max

	emul delay 100ms || return 1
	ping_ok "$NSA" $IPB 4 -i 0.3
	local rc=$?

	emul delay 0
	read -r min avg max <<< "$(rtts)"
	log "rtt min/avg/max $min/$avg/$max ms"
	[ $rc -eq 0 ] && expect "min rtt" "${min:-0}" -ge 100 &&
		expect "max rtt" "${max:-0}" -lt 1000
}
check "delay 100ms: every RTT is at least 100 ms" test_delay

test_jitter()
{
	local min avg max b

	b=$(counter "$NSA" edu0 emul_delayed)
	emul delay 60ms jitter 50ms || return 1
	ping_ok "$NSA" $IPB 12 -i 0.2
	local rc=$?

	emul delay 0 jitter 0
	read -r min avg max <<< "$(rtts)"
	log "rtt min/avg/max $min/$avg/$max ms"
	[ $rc -eq 0 ] && expect "max - min rtt" $((max - min)) -ge 15 &&
		expect "min rtt" "${min:-0}" -ge 10 &&
		expect "emul_delayed" $(( $(counter "$NSA" edu0 emul_delayed) - b )) -ge 12
}
check "jitter 50ms: RTTs spread around the delay" test_jitter

# The rate is a quarter of what the link reaches unshaped (8 Mbit/s at
# most), so that a slow (debug) kernel tests the shaper, not itself.
test_rate()
{
	local line kbit got speed waits

	line=$(tcp_run "$NSA" "$NSB" $IPB $((1 << 20))) || return 1
	kbit=$(awk -v m="$(field "$line" mbit)" \
		'BEGIN { k = int(m * 250); print (k > 8000 ? 8000 : (k < 500 ? 500 : k)) }')
	emul rate "${kbit}kbit" || return 1
	speed=$(ip netns exec "$NSA" ethtool edu0 | awk '/Speed:/ { print $2 }')
	waits=$(counter "$NSA" edu0 tx_rate_waits)
	line=$(tcp_run "$NSA" "$NSB" $IPB $((512 << 10)))
	local rc=$?

	emul rate 0
	waits=$(( $(counter "$NSA" edu0 tx_rate_waits) - waits ))
	got=$(awk -v m="$(field "$line" mbit)" 'BEGIN { print int(m * 1000) }')
	log "rate ${kbit}kbit: goodput ${got} kbit/s, ethtool speed $speed, tx_rate_waits +$waits"
	# The floor is loose: a busy host may starve the guest for a while.
	[ $rc -eq 0 ] &&
	expect "ethtool speed" "$speed" = "$(( kbit >= 1000 ? kbit / 1000 : 1 ))Mb/s" &&
	expect "tx_rate_waits" "$waits" -gt 0 &&
	expect "goodput kbit/s" "$got" -le $((kbit * 105 / 100)) &&
	expect "goodput kbit/s" "$got" -ge $((kbit / 10))
}
check "rate: TCP goodput stays under the set rate" test_rate

test_reset()
{
	ip -n "$NSA" -d link show edu0 |
		grep -q "rate 0kbit delay 0us jitter 0us loss 0% duplicate 0% reorder 0% corrupt 0%" ||
		{ ip -n "$NSA" -d link show edu0; return 1; }
	ping_ok "$NSA" $IPB 3 -i 0.2
}
check "all knobs back to 0: ip -d shows it, ping works" test_reset

ktap_finish
