/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of af_edu, system "edu": one at each step of a segment's
 * life that this module owns. scripts/edu-trace and
 * Documentation/walkthrough.rst name the steps; the events are in
 * /sys/kernel/tracing/events/edu/.
 *
 * Addresses are kept as they are on the wire (__be32 in a 4-byte array,
 * printed with %pI4, as sock:inet_sock_set_state does); ports, sequence
 * and acknowledgment numbers in host order.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edu

#ifndef _EDU_TRACE_DEFS
#define _EDU_TRACE_DEFS
/* What the 4-tuple lookup found for an arriving segment. */
enum edu_lookup_result {
	EDU_LOOKUP_ESTABLISHED,	/* a connection, by its 4-tuple */
	EDU_LOOKUP_TIMEWAIT,	/* a TIME_WAIT entry answers */
	EDU_LOOKUP_LISTENER,	/* no connection: a listener on the port */
	EDU_LOOKUP_NONE,	/* nobody: the segment earns a reset */
};

/* What an arriving RST did (RFC 9293 3.10.7, RFC 5961 3.2). */
enum edu_rst_action {
	EDU_RST_RESET,		/* in sequence: the connection is reset */
	EDU_RST_REFUSED,	/* answer to our SYN: connection refused */
	EDU_RST_CHALLENGE,	/* in the window, not at RCV.NXT: challenge ACK */
	EDU_RST_IGNORED,	/* outside the window or unacceptable */
};
#endif /* _EDU_TRACE_DEFS */

#if !defined(_EDU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDU_TRACE_H

#include <linux/tracepoint.h>
#include <linux/ip.h>
#include <net/inet_sock.h>
#include "edu.h"

TRACE_DEFINE_ENUM(EDU_ESTABLISHED);
TRACE_DEFINE_ENUM(EDU_SYN_SENT);
TRACE_DEFINE_ENUM(EDU_SYN_RECV);
TRACE_DEFINE_ENUM(EDU_FIN_WAIT1);
TRACE_DEFINE_ENUM(EDU_FIN_WAIT2);
TRACE_DEFINE_ENUM(EDU_TIME_WAIT);
TRACE_DEFINE_ENUM(EDU_CLOSE);
TRACE_DEFINE_ENUM(EDU_CLOSE_WAIT);
TRACE_DEFINE_ENUM(EDU_LAST_ACK);
TRACE_DEFINE_ENUM(EDU_LISTEN);
TRACE_DEFINE_ENUM(EDU_CLOSING);
TRACE_DEFINE_ENUM(EDU_RTX_TIMEOUT);
TRACE_DEFINE_ENUM(EDU_RTX_FAST);
TRACE_DEFINE_ENUM(EDU_RTX_PARTIAL_ACK);
TRACE_DEFINE_ENUM(EDU_RTX_SYN);
TRACE_DEFINE_ENUM(EDU_RTX_PROBE);
TRACE_DEFINE_ENUM(EDU_RTX_KEEPALIVE);
TRACE_DEFINE_ENUM(EDU_RTX_SACK);
TRACE_DEFINE_ENUM(EDU_LOOKUP_ESTABLISHED);
TRACE_DEFINE_ENUM(EDU_LOOKUP_TIMEWAIT);
TRACE_DEFINE_ENUM(EDU_LOOKUP_LISTENER);
TRACE_DEFINE_ENUM(EDU_LOOKUP_NONE);
TRACE_DEFINE_ENUM(EDU_RST_RESET);
TRACE_DEFINE_ENUM(EDU_RST_REFUSED);
TRACE_DEFINE_ENUM(EDU_RST_CHALLENGE);
TRACE_DEFINE_ENUM(EDU_RST_IGNORED);

#define show_edu_state(s)					\
	__print_symbolic(s,					\
		{ EDU_ESTABLISHED,	"ESTABLISHED" },	\
		{ EDU_SYN_SENT,		"SYN_SENT" },		\
		{ EDU_SYN_RECV,		"SYN_RECV" },		\
		{ EDU_FIN_WAIT1,	"FIN_WAIT1" },		\
		{ EDU_FIN_WAIT2,	"FIN_WAIT2" },		\
		{ EDU_TIME_WAIT,	"TIME_WAIT" },		\
		{ EDU_CLOSE,		"CLOSE" },		\
		{ EDU_CLOSE_WAIT,	"CLOSE_WAIT" },		\
		{ EDU_LAST_ACK,		"LAST_ACK" },		\
		{ EDU_LISTEN,		"LISTEN" },		\
		{ EDU_CLOSING,		"CLOSING" })

#define show_edu_flags(f)					\
	__print_flags(f, "|",					\
		{ EDU_FLAG_FIN,	"FIN" },			\
		{ EDU_FLAG_SYN,	"SYN" },			\
		{ EDU_FLAG_RST,	"RST" },			\
		{ EDU_FLAG_PSH,	"PSH" },			\
		{ EDU_FLAG_ACK,	"ACK" })

/*
 * Every event carries a 4-tuple: for a socket saddr/sport are ours and
 * daddr/dport the peer's; for a segment, its source and destination.
 * EDU_TP_STRUCT__entry() and EDU_TP_printk() are TP_STRUCT__entry() and
 * TP_printk() with the tuple first; EDU_TP_ASSIGN_*() fill it in.
 */
#define EDU_TP_STRUCT__entry(fields...)				\
	TP_STRUCT__entry(					\
		__array(__u8, saddr, 4)				\
		__array(__u8, daddr, 4)				\
		__field(__u16, sport)				\
		__field(__u16, dport)				\
		fields)

#define EDU_TP_ASSIGN_ADDRS(__saddr, __daddr, __sport, __dport)	\
	do {							\
		*(__be32 *)__entry->saddr = (__saddr);		\
		*(__be32 *)__entry->daddr = (__daddr);		\
		__entry->sport = ntohs(__sport);		\
		__entry->dport = ntohs(__dport);		\
	} while (0)

#define EDU_TP_ASSIGN_SK(sk)					\
	EDU_TP_ASSIGN_ADDRS(inet_sk(sk)->inet_saddr,		\
			    inet_sk(sk)->inet_daddr,		\
			    inet_sk(sk)->inet_sport,		\
			    inet_sk(sk)->inet_dport)

#define EDU_TP_printk(fmt, args...)				\
	TP_printk("%pI4:%u -> %pI4:%u " fmt,			\
		  __entry->saddr, __entry->sport,		\
		  __entry->daddr, __entry->dport, args)

/* write()/send() copied @copied of @size bytes onto the send queue. */
TRACE_EVENT(edu_sendmsg,
	TP_PROTO(const struct sock *sk, size_t size, size_t copied),
	TP_ARGS(sk, size, copied),
	EDU_TP_STRUCT__entry(
		__field(__u32, size)
		__field(__u32, copied)
		__field(__u32, write_seq)
		__field(int, wmem_queued)
		__field(int, sndbuf)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->size = size;
		__entry->copied = copied;
		__entry->write_seq = edu_sk(sk)->write_seq;
		__entry->wmem_queued = READ_ONCE(sk->sk_wmem_queued);
		__entry->sndbuf = READ_ONCE(sk->sk_sndbuf);
	),
	EDU_TP_printk("size=%u queued=%u write_seq=%u sndbuf_used=%d/%d",
		      __entry->size, __entry->copied,
		      __entry->write_seq, __entry->wmem_queued, __entry->sndbuf)
);

/*
 * A segment header is complete, checksum included (or seeded for the NIC
 * to finish: csum=offload). Sockets' segments and control segments (RST,
 * TIME_WAIT ACKs) alike; @len is the payload.
 */
TRACE_EVENT(edu_segment_build,
	TP_PROTO(__be32 saddr, __be32 daddr, const struct eduhdr *th,
		 unsigned int len, bool csum_offload),
	TP_ARGS(saddr, daddr, th, len, csum_offload),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, ack)
		__field(__u8, flags)
		__field(__u32, len)
		__field(__u16, window)
		__field(bool, csum_offload)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_ADDRS(saddr, daddr, th->source, th->dest);
		__entry->seq = ntohl(th->seq);
		__entry->ack = ntohl(th->ack_seq);
		__entry->flags = th->flags;
		__entry->len = len;
		__entry->window = ntohs(th->window);
		__entry->csum_offload = csum_offload;
	),
	EDU_TP_printk("seq=%u ack=%u flags=%s len=%u win=%u csum=%s",
		      __entry->seq, __entry->ack,
		      show_edu_flags(__entry->flags), __entry->len,
		      __entry->window, __entry->csum_offload ? "offload" : "sw")
);

/* ip_queue_xmit() returned @err for the segment at @seq (0: sent). */
TRACE_EVENT(edu_ip_xmit,
	TP_PROTO(const struct sock *sk, u32 seq, unsigned int len, int err),
	TP_ARGS(sk, seq, len, err),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, len)
		__field(int, err)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->seq = seq;
		__entry->len = len;
		__entry->err = err;
	),
	EDU_TP_printk("seq=%u len=%u err=%d",
		      __entry->seq, __entry->len, __entry->err)
);

/* A segment passed the header and checksum checks of edu_rcv(). */
TRACE_EVENT(edu_rcv_segment,
	TP_PROTO(const struct iphdr *iph, const struct eduhdr *th,
		 const struct edu_skb_cb *cb, unsigned int len),
	TP_ARGS(iph, th, cb, len),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, ack)
		__field(__u8, flags)
		__field(__u32, len)
		__field(__u16, window)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_ADDRS(iph->saddr, iph->daddr, th->source,
				    th->dest);
		__entry->seq = cb->seq;
		__entry->ack = cb->ack_seq;
		__entry->flags = cb->flags;
		__entry->len = len;
		__entry->window = cb->window;
	),
	EDU_TP_printk("seq=%u ack=%u flags=%s len=%u win=%u",
		      __entry->seq, __entry->ack,
		      show_edu_flags(__entry->flags), __entry->len,
		      __entry->window)
);

/*
 * The owner of an arriving segment, as edu_rcv() found it. For a listener
 * @wildcard says it listens on INADDR_ANY rather than on the address.
 */
TRACE_EVENT(edu_lookup,
	TP_PROTO(const struct iphdr *iph, const struct eduhdr *th, int result,
		 const struct sock *sk),
	TP_ARGS(iph, th, result, sk),
	EDU_TP_STRUCT__entry(
		__field(__u8, result)
		__field(bool, wildcard)
		__field(int, state)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_ADDRS(iph->saddr, iph->daddr, th->source,
				    th->dest);
		__entry->result = result;
		__entry->wildcard = sk && !inet_sk(sk)->inet_rcv_saddr;
		__entry->state = sk ? inet_sk_state_load(sk) : 0;
	),
	EDU_TP_printk("found=%s why=%s",
		      __print_symbolic(__entry->result,
				       { EDU_LOOKUP_ESTABLISHED, "connection" },
				       { EDU_LOOKUP_TIMEWAIT, "timewait" },
				       { EDU_LOOKUP_LISTENER, "listener" },
				       { EDU_LOOKUP_NONE, "none" }),
		      __entry->result == EDU_LOOKUP_ESTABLISHED ? "4-tuple match" :
		      __entry->result == EDU_LOOKUP_TIMEWAIT ? "TIME_WAIT entry" :
		      __entry->result == EDU_LOOKUP_NONE ?
			    "no connection, no listener on the port" :
		      __entry->wildcard ? "no connection, listener on 0.0.0.0" :
			    "no connection, listener on the address")
);

/* Payload reached the receive queue (in order) or the out-of-order queue. */
TRACE_EVENT(edu_data_queue,
	TP_PROTO(const struct sock *sk, u32 seq, unsigned int len, bool in_order),
	TP_ARGS(sk, seq, len, in_order),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, len)
		__field(bool, in_order)
		__field(__u32, rcv_nxt)
		__field(int, rmem_alloc)
		__field(int, rcvbuf)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->seq = seq;
		__entry->len = len;
		__entry->in_order = in_order;
		__entry->rcv_nxt = edu_sk(sk)->rcv_nxt;
		__entry->rmem_alloc = atomic_read(&sk->sk_rmem_alloc);
		__entry->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	),
	EDU_TP_printk("seq=%u len=%u %s rcv_nxt=%u rcvbuf_used=%d/%d",
		      __entry->seq, __entry->len,
		      __entry->in_order ? "in-order" : "out-of-order",
		      __entry->rcv_nxt, __entry->rmem_alloc, __entry->rcvbuf)
);

/* SEG.ACK was processed: @acked new bytes, SND.UNA moved to snd_una. */
TRACE_EVENT(edu_ack,
	TP_PROTO(const struct sock *sk, u32 ack, u32 acked),
	TP_ARGS(sk, ack, acked),
	EDU_TP_STRUCT__entry(
		__field(__u32, ack)
		__field(__u32, acked)
		__field(__u32, snd_una)
		__field(__u32, snd_nxt)
		__field(__u32, snd_wnd)
		__field(__u32, dupacks)
	),
	TP_fast_assign(
		const struct edu_sock *es = edu_sk(sk);

		EDU_TP_ASSIGN_SK(sk);
		__entry->ack = ack;
		__entry->acked = acked;
		__entry->snd_una = es->snd_una;
		__entry->snd_nxt = es->snd_nxt;
		__entry->snd_wnd = es->snd_wnd;
		__entry->dupacks = es->dupacks;
	),
	EDU_TP_printk("ack=%u acked=%u snd_una=%u snd_nxt=%u snd_wnd=%u dupacks=%u",
		      __entry->ack, __entry->acked,
		      __entry->snd_una, __entry->snd_nxt, __entry->snd_wnd,
		      __entry->dupacks)
);

/* The reader freed buffer space: a window update goes out. */
TRACE_EVENT(edu_window_update,
	TP_PROTO(const struct sock *sk, u32 old_window, u32 space),
	TP_ARGS(sk, old_window, space),
	EDU_TP_STRUCT__entry(
		__field(__u32, old_window)
		__field(__u32, space)
		__field(__u32, rcv_nxt)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->old_window = old_window;
		__entry->space = space;
		__entry->rcv_nxt = edu_sk(sk)->rcv_nxt;
	),
	EDU_TP_printk("window %u -> %u rcv_nxt=%u",
		      __entry->old_window, __entry->space,
		      __entry->rcv_nxt)
);

/* A segment is sent again, or a probe goes out; @count: times sent. */
TRACE_EVENT(edu_retransmit,
	TP_PROTO(const struct sock *sk, int kind, u32 seq, u32 end_seq,
		 unsigned int count),
	TP_ARGS(sk, kind, seq, end_seq, count),
	EDU_TP_STRUCT__entry(
		__field(__u8, kind)
		__field(__u32, seq)
		__field(__u32, end_seq)
		__field(__u32, count)
		__field(__u32, rto_ms)
		__field(__u32, snd_una)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->kind = kind;
		__entry->seq = seq;
		__entry->end_seq = end_seq;
		__entry->count = count;
		__entry->rto_ms = jiffies_to_msecs(edu_sk(sk)->rto);
		__entry->snd_una = edu_sk(sk)->snd_una;
	),
	EDU_TP_printk("kind=%s seq=%u end_seq=%u count=%u rto=%ums snd_una=%u",
		      __print_symbolic(__entry->kind,
				       { EDU_RTX_TIMEOUT, "rto" },
				       { EDU_RTX_FAST, "fast" },
				       { EDU_RTX_PARTIAL_ACK, "partial-ack" },
				       { EDU_RTX_SYN, "syn" },
				       { EDU_RTX_PROBE, "probe" },
				       { EDU_RTX_KEEPALIVE, "keepalive" },
				       { EDU_RTX_SACK, "sack" }),
		      __entry->seq, __entry->end_seq, __entry->count,
		      __entry->rto_ms, __entry->snd_una)
);

/* RFC 9293 3.3.2 state transition, like sock:inet_sock_set_state. */
TRACE_EVENT(edu_state_change,
	TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	TP_ARGS(sk, oldstate, newstate),
	EDU_TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->skaddr = sk;
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	EDU_TP_printk("sk=%p %s -> %s",
		      __entry->skaddr, show_edu_state(__entry->oldstate),
		      show_edu_state(__entry->newstate))
);

/* A reset leaves (edu_send_ctl: from a socket or in reply to a segment). */
TRACE_EVENT(edu_rst_send,
	TP_PROTO(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		 u32 seq, u32 ack),
	TP_ARGS(saddr, daddr, sport, dport, seq, ack),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, ack)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_ADDRS(saddr, daddr, sport, dport);
		__entry->seq = seq;
		__entry->ack = ack;
	),
	EDU_TP_printk("seq=%u ack=%u",
		      __entry->seq, __entry->ack)
);

/* A reset arrived for a socket, and what it did. */
TRACE_EVENT(edu_rst_recv,
	TP_PROTO(const struct sock *sk, u32 seq, int action),
	TP_ARGS(sk, seq, action),
	EDU_TP_STRUCT__entry(
		__field(__u32, seq)
		__field(__u32, rcv_nxt)
		__field(int, state)
		__field(__u8, action)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->seq = seq;
		__entry->rcv_nxt = edu_sk(sk)->rcv_nxt;
		__entry->state = sk->sk_state;
		__entry->action = action;
	),
	EDU_TP_printk("seq=%u rcv_nxt=%u state=%s action=%s",
		      __entry->seq, __entry->rcv_nxt,
		      show_edu_state(__entry->state),
		      __print_symbolic(__entry->action,
				       { EDU_RST_RESET, "reset" },
				       { EDU_RST_REFUSED, "refused" },
				       { EDU_RST_CHALLENGE, "challenge-ack" },
				       { EDU_RST_IGNORED, "ignored" }))
);

/*
 * A segment was dropped; @reason is its /proc/net/edu_stats counter.
 * With a socket the 4-tuple is the socket's, else the IP header's.
 */
TRACE_EVENT(edu_drop,
	TP_PROTO(const struct sock *sk, const struct sk_buff *skb,
		 enum edu_mib reason),
	TP_ARGS(sk, skb, reason),
	EDU_TP_STRUCT__entry(
		__field(__u32, len)
		__field(int, state)
		__string(reason, edu_mib_names[reason])
	),
	TP_fast_assign(
		if (sk) {
			EDU_TP_ASSIGN_SK(sk);
			__entry->state = sk->sk_state;
		} else {
			/* edu_rcv(): the IP header is that of the segment */
			EDU_TP_ASSIGN_ADDRS(ip_hdr(skb)->daddr,
					    ip_hdr(skb)->saddr, 0, 0);
			__entry->state = 0;
		}
		__entry->len = skb->len;
		__assign_str(reason, edu_mib_names[reason]);
	),
	EDU_TP_printk("len=%u state=%s reason=%s",
		      __entry->len,
		      __entry->state ? show_edu_state(__entry->state) : "-",
		      __get_str(reason))
);

/* recvmsg()/read() copied @copied bytes to the application (or an errno). */
TRACE_EVENT(edu_recvmsg,
	TP_PROTO(const struct sock *sk, size_t len, int copied),
	TP_ARGS(sk, len, copied),
	EDU_TP_STRUCT__entry(
		__field(__u32, len)
		__field(int, copied)
		__field(__u32, copied_seq)
		__field(__u32, rcv_nxt)
	),
	TP_fast_assign(
		EDU_TP_ASSIGN_SK(sk);
		__entry->len = len;
		__entry->copied = copied;
		__entry->copied_seq = edu_sk(sk)->copied_seq;
		__entry->rcv_nxt = edu_sk(sk)->rcv_nxt;
	),
	EDU_TP_printk("asked=%u copied=%d copied_seq=%u rcv_nxt=%u",
		      __entry->len, __entry->copied,
		      __entry->copied_seq, __entry->rcv_nxt)
);

#endif /* _EDU_TRACE_H */

/* Out of tree: this directory is on the include path (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE edu_trace
#include <trace/define_trace.h>
