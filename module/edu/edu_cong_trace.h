/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edu:edu_cong_probe, one event on every change of the congestion window
 * or ssthresh, in the spirit of tcp:tcp_probe. Record it with
 *   echo 1 > /sys/kernel/tracing/events/edu/edu_cong_probe/enable
 * or trace-cmd record -e edu:edu_cong_probe; scripts/edu-cc-plot draws it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edu

#if !defined(_EDU_CONG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDU_CONG_TRACE_H

#include <linux/tracepoint.h>
#include "edu.h"

TRACE_DEFINE_ENUM(EDU_CC_SLOW_START);
TRACE_DEFINE_ENUM(EDU_CC_CONG_AVOID);
TRACE_DEFINE_ENUM(EDU_CC_SS_EXIT);
TRACE_DEFINE_ENUM(EDU_CC_RECOVERY_ENTER);
TRACE_DEFINE_ENUM(EDU_CC_RECOVERY);
TRACE_DEFINE_ENUM(EDU_CC_RECOVERY_EXIT);
TRACE_DEFINE_ENUM(EDU_CC_RTO);
TRACE_DEFINE_ENUM(EDU_CC_UNDO);
TRACE_DEFINE_ENUM(EDU_CC_SWITCH);

#define show_edu_cong_reason(r)					\
	__print_symbolic(r,					\
		{ EDU_CC_SLOW_START,	"slow_start" },		\
		{ EDU_CC_CONG_AVOID,	"cong_avoid" },		\
		{ EDU_CC_SS_EXIT,	"ss_exit" },		\
		{ EDU_CC_RECOVERY_ENTER, "recovery_enter" },	\
		{ EDU_CC_RECOVERY,	"recovery" },		\
		{ EDU_CC_RECOVERY_EXIT,	"recovery_exit" },	\
		{ EDU_CC_RTO,		"rto" },		\
		{ EDU_CC_UNDO,		"undo" },		\
		{ EDU_CC_SWITCH,	"switch" })

TRACE_EVENT(edu_cong_probe,

	TP_PROTO(struct sock *sk, enum edu_cong_reason reason),

	TP_ARGS(sk, reason),

	TP_STRUCT__entry(
		__field(__u32, saddr)
		__field(__u32, daddr)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, snd_una)
		__field(__u32, snd_nxt)
		__field(__u32, mss)
		__field(__u32, snd_cwnd)
		__field(__u32, ssthresh)
		__field(__u32, srtt)
		__field(__u32, snd_wnd)
		__field(__u32, in_flight)
		__field(__u32, reason)
		__array(char, ca, EDU_CA_NAME_MAX)
		__array(__u32, ca_state, 4)
	),

	TP_fast_assign(
		const struct inet_sock *inet = inet_sk(sk);
		const struct edu_sock *es = edu_sk(sk);
		union edu_cc_info info;

		/* Addresses as raw network-order words, printed by %pI4. */
		__entry->saddr = (__force __u32)inet->inet_saddr;
		__entry->daddr = (__force __u32)inet->inet_daddr;
		__entry->sport = ntohs(inet->inet_sport);
		__entry->dport = ntohs(inet->inet_dport);
		/* relative to the ISS, so that a run starts near 0 */
		__entry->snd_una = es->snd_una - es->iss;
		__entry->snd_nxt = es->snd_nxt - es->iss;
		__entry->mss = es->mss;
		__entry->snd_cwnd = es->snd_cwnd;
		__entry->ssthresh = es->snd_ssthresh;
		__entry->srtt = es->srtt_us;
		__entry->snd_wnd = es->snd_wnd;
		__entry->in_flight = edu_cong_flight_segs(es);
		__entry->reason = reason;
		strscpy(__entry->ca, es->ca_ops->name, EDU_CA_NAME_MAX);
		edu_cong_get_info(sk, &info);
		memcpy(__entry->ca_state, info.raw, sizeof(info.raw));
	),

	TP_printk("src=%pI4:%u dest=%pI4:%u ca=%s reason=%s snd_una=%u snd_nxt=%u mss=%u snd_cwnd=%u ssthresh=%u srtt=%u snd_wnd=%u in_flight=%u ca_state=%u,%u,%u,%u",
		  &__entry->saddr, __entry->sport, &__entry->daddr,
		  __entry->dport, __entry->ca,
		  show_edu_cong_reason(__entry->reason),
		  __entry->snd_una, __entry->snd_nxt, __entry->mss,
		  __entry->snd_cwnd, __entry->ssthresh, __entry->srtt,
		  __entry->snd_wnd, __entry->in_flight,
		  __entry->ca_state[0], __entry->ca_state[1],
		  __entry->ca_state[2], __entry->ca_state[3])
);

#endif /* _EDU_CONG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE edu_cong_trace
#include <trace/define_trace.h>
