#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/edu-trace over an edunic pair, with checksum offload on and off:
# every step of its table (edu-trace --list) must be printed, with a time,
# in the table's order and with times that never go back within a path;
# the checksum steps must show the mode that was asked for, and the
# segment the receiver checked (R7) must be the one the sender built (S4).

source "$(dirname "$0")/../edu/lib.sh"

TRACER=$TOP/scripts/edu-trace
[ -x "$TOP/scripts/tools/edu-hello" ] || { echo "# edu-hello missing: run make"; exit $KSFT_SKIP; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
[ -f /sys/kernel/tracing/available_filter_functions ] ||
	{ echo "# no function tracer"; exit $KSFT_SKIP; }
load_edunic || exit $KSFT_FAIL
load_edu || exit $KSFT_FAIL

ktap_header 10

# field name line: the value of name=... in line
field()
{
	sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2" | head -1
}

for mode in on off; do
	out=$(mktemp /tmp/edu_trace.XXXXXX)
	"$TRACER" --here --offload $mode > "$out" 2>&1
	rc=$?
	sed 's/^/#   /' "$out"

	# 1. every step, in order, each with a time; times grow within a path
	missing=""
	order_ok=1
	last_line=0
	last_path=""
	last_t=0
	for id in $("$TRACER" --list | awk '{ print $1 }'); do
		line=$(grep -n -E "^$id +[0-9]+\.[0-9] " "$out" | head -1)
		if [ -z "$line" ]; then
			missing="$missing $id"
			continue
		fi
		n=${line%%:*}
		t=$(awk '{ print $2 }' <<< "${line#*:}")
		[ "$n" -gt "$last_line" ] || order_ok=0
		if [ "${id:0:1}" = "$last_path" ] &&
		   awk -v a="$t" -v b="$last_t" 'BEGIN { exit !(a < b) }'; then
			log "$id at $t us, before the step above it ($last_t us)"
			order_ok=0
		fi
		last_line=$n
		last_path=${id:0:1}
		last_t=$t
	done
	[ -n "$missing" ] && log "steps missing with offload $mode:$missing"
	[ $rc -eq 0 ] && [ -z "$missing" ] && [ $order_ok -eq 1 ]
	ktap_result $? "all_steps_in_order_offload_$mode"

	# 2. the checksum: S5 says the mode, S4's event agrees, the NIC
	#    (S9) and the receiver's sk_buff (R4) follow from it
	s5=$(grep -E '^S5 ' "$out")
	s4ev=$(grep -A3 -E '^S4 ' "$out" | grep 'edu:edu_segment_build')
	s9ev=$(grep -A3 -E '^S9 ' "$out" | grep 'edunic:edunic_xmit')
	r4ev=$(grep -A3 -E '^R4 ' "$out" | grep 'edunic:edunic_rx_skb')
	if [ $mode = on ]; then
		want=offload nic=nic summed=UNNECESSARY
	else
		want=sw nic=stack summed=NONE
	fi
	ok=0
	grep -q "checksum $want" <<< "$s5" || { log "S5: not 'checksum $want': $s5"; ok=1; }
	[ "$(field csum "$s4ev")" = $want ] || { log "S4 event: csum not $want: $s4ev"; ok=1; }
	[ "$(field l4csum "$s9ev")" = $nic ] || { log "S9 event: l4csum not $nic: $s9ev"; ok=1; }
	[ "$(field ip_summed "$r4ev")" = $summed ] || { log "R4 event: not $summed: $r4ev"; ok=1; }
	ktap_result $ok "checksum_mode_offload_$mode"

	# 3. the receiver checked the segment the sender built
	r7ev=$(grep -A3 -E '^R7 ' "$out" | grep 'edu:edu_rcv_segment')
	ok=0
	for f in seq ack len; do
		a=$(field $f "$s4ev")
		b=$(field $f "$r7ev")
		if [ -z "$a" ] || [ "$a" != "$b" ]; then
			log "S4 $f=$a but R7 $f=$b"
			ok=1
		fi
	done
	# the message edu-trace sends is 13 bytes
	[ "$(field len "$s4ev")" = 13 ] || { log "S4 len is not 13"; ok=1; }
	ktap_result $ok "segment_fields_match_offload_$mode"

	# 4. R12: the reader got the 13 bytes; R13: the ACK covers them
	r12ev=$(grep -A3 -E '^R12 ' "$out" | grep 'edu:edu_recvmsg')
	r13ev=$(grep -A3 -E '^R13 ' "$out" | grep 'edu:edu_segment_build')
	s4seq=$(field seq "$s4ev")
	ok=0
	[ "$(field copied "$r12ev")" = 13 ] || { log "R12 copied is not 13: $r12ev"; ok=1; }
	[ -n "$s4seq" ] && [ "$(field ack "$r13ev")" = $(((s4seq + 13) % 4294967296)) ] ||
		{ log "R13 ack is not S4 seq + 13: $r13ev"; ok=1; }
	ktap_result $ok "read_and_ack_offload_$mode"
	rm -f "$out"
done

# --list is the table the documentation follows: both files name each step.
ok=0
while read -r id layer title; do
	for doc in Documentation/walkthrough.rst Documentation/ko/walkthrough.rst; do
		grep -q -E "^$id[ :]" "$TOP/$doc" 2>/dev/null ||
			{ log "$doc has no section for $id"; ok=1; }
	done
	grep -q -F "$title" "$TOP/Documentation/walkthrough.rst" ||
		{ log "walkthrough.rst: $id title '$title' not found"; ok=1; }
done < <("$TRACER" --list)
ktap_result $ok "walkthrough_names_every_step"

# A record without the data write is reported as such, not as steps.
ok=0
empty=$(mktemp /tmp/edu_trace.XXXXXX)
"$TRACER" --parse "$empty" > "$empty.out" 2>&1 && ok=1
grep -q "no AF_EDU write()" "$empty.out" || ok=1
rm -f "$empty" "$empty.out"
ktap_result $ok "empty_record_is_an_error"
ktap_finish
