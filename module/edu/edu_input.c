// SPDX-License-Identifier: GPL-2.0
/*
 * AF_EDU input: "SEGMENT ARRIVES", RFC 9293 section 3.10.7.
 *
 * edu_rcv() is the IP protocol handler (softirq). It checks the header
 * and the pseudo-header checksum, finds the owner with the 4-tuple lookup
 * and then either processes the segment at once, under the socket's
 * spinlock, or, if the application holds the socket lock, appends it to
 * the socket backlog; release_sock() later feeds it to edu_backlog_rcv().
 * Either way edu_rcv_state_process() runs the state machine with the TCB
 * to itself.
 */
#include <linux/skbuff.h>
#include <asm/unaligned.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/inet_sock.h>
#include "edu.h"
#include "edu_trace.h"

/*
 * Every dropped segment is counted in /proc/net/edu_stats under its
 * reason and shown by the edu:edu_drop tracepoint. Without a socket
 * (edu_rcv) @net says where to count.
 */
static void edu_drop_net(struct net *net, struct sock *sk,
			 struct sk_buff *skb, enum edu_mib why)
{
	trace_edu_drop(sk, skb, why);
	__edu_inc_stat(net, why);
	kfree_skb(skb);
}

void edu_drop(struct sock *sk, struct sk_buff *skb, enum edu_mib why)
{
	edu_drop_net(sock_net(sk), sk, skb, why);
}

/*
 * The options of a segment. MSS, window scale and SACK-permitted count on
 * SYN segments only (RFC 9293 3.1, RFC 7323 2.2, RFC 2018 2); the callers
 * read them there. A SACK option is remembered by its offset, checked
 * here so that edu_sack_rcv() may trust its length.
 */
static void edu_parse_options(const struct eduhdr *th, struct edu_skb_cb *cb)
{
	const u8 *p = (const u8 *)(th + 1);
	int len = EDU_DOFF(th) * 4 - EDU_HDR_LEN;

	while (len > 0) {
		u8 kind = p[0], optlen;

		if (kind == EDU_OPT_EOL)
			break;
		if (kind == EDU_OPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		optlen = p[1];
		if (optlen < 2 || optlen > len)
			break;	/* malformed: ignore the rest */
		if (kind == EDU_OPT_MSS && optlen == EDU_OPTLEN_MSS)
			cb->opt_mss = get_unaligned_be16(p + 2);
		else if (kind == EDU_OPT_WSCALE && optlen == EDU_OPTLEN_WSCALE)
			cb->opt_wscale = min_t(u8, p[2], EDU_MAX_WSCALE);
		else if (kind == EDU_OPT_SACK_PERM &&
			 optlen == EDU_OPTLEN_SACK_PERM)
			cb->opt_sack_perm = 1;
		else if (kind == EDU_OPT_SACK && optlen > 2 &&
			 !((optlen - 2) % EDU_OPTLEN_SACK_BLOCK) &&
			 (optlen - 2) / EDU_OPTLEN_SACK_BLOCK <= EDU_MAX_SACK_BLOCKS)
			cb->sack_off = p - (const u8 *)th;
		p += optlen;
		len -= optlen;
	}
}

/* Window the peer may still fill, from RCV.NXT to the advertised edge. */
static u32 edu_rwnd(const struct edu_sock *es)
{
	s32 win = es->rcv_wup + es->rcv_wnd - es->rcv_nxt;

	return win > 0 ? win : 0;
}

/*
 * RFC 9293 3.10.7.4, first check: is any part of the segment inside the
 * receive window?
 *   length 0, window 0:  SEG.SEQ = RCV.NXT
 *   length 0, window >0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *   length >0, window 0: not acceptable
 *   length >0, window >0: the first or the last byte is in the window
 */
static bool edu_sequence_ok(const struct edu_sock *es, u32 seq, u32 end_seq)
{
	u32 wnd = edu_rwnd(es);
	u32 len = end_seq - seq;
	u32 last = es->rcv_nxt + wnd - 1;

	if (!len)
		return wnd ? edu_between(seq, es->rcv_nxt, last) :
			     seq == es->rcv_nxt;
	if (!wnd)
		return false;
	return edu_between(seq, es->rcv_nxt, last) ||
	       edu_between(end_seq - 1, es->rcv_nxt, last);
}

static void edu_enter_time_wait(struct sock *sk)
{
	edu_time_wait(sk);
	edu_set_state(sk, EDU_TIME_WAIT);
	edu_done(sk);
}

/* An acceptable RST arrived (RFC 9293 3.10.7.4, second check). */
static void edu_reset(struct sock *sk)
{
	int err = 0;

	switch (sk->sk_state) {
	case EDU_SYN_RECV:
		/* A passive open just returns to LISTEN: the child dies. */
		if (!edu_sk(sk)->parent)
			err = ECONNREFUSED;
		break;
	case EDU_CLOSE_WAIT:
		EDU_INC_STATS(sock_net(sk), ESTAB_RESETS);
		err = EPIPE;
		break;
	case EDU_CLOSING:
	case EDU_LAST_ACK:
		break;
	default:
		if (sk->sk_state == EDU_ESTABLISHED)
			EDU_INC_STATS(sock_net(sk), ESTAB_RESETS);
		err = ECONNRESET;
		break;
	}
	if (err) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	}
	edu_done(sk);
}

/* The peer's FIN is next in sequence (RFC 9293 3.10.7.4, eighth check). */
static void edu_fin(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->rcv_nxt++;
	sk->sk_shutdown |= RCV_SHUTDOWN;
	sock_set_flag(sk, SOCK_DONE);
	/* Nothing can come after a FIN. */
	__skb_queue_purge(&es->ofo_queue);

	switch (sk->sk_state) {
	case EDU_SYN_RECV:
	case EDU_ESTABLISHED:
		edu_set_state(sk, EDU_CLOSE_WAIT);
		/*
		 * Interactive: the application is likely to close at once,
		 * and our FIN will carry the ACK (as tcp_fin() does); the
		 * delayed-ACK timer sends it if not.
		 */
		if (es->pingpong)
			edu_arm_delack(sk);
		else
			edu_send_ack(sk);
		break;
	case EDU_FIN_WAIT1:
		/* Simultaneous close: our FIN is not acknowledged yet. */
		edu_set_state(sk, EDU_CLOSING);
		edu_send_ack(sk);
		break;
	case EDU_FIN_WAIT2:
		edu_send_ack(sk);
		edu_enter_time_wait(sk);
		return;
	default:
		break;
	}
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
	}
}

/*
 * A small payload can arrive in a big buffer (over loopback the sender's
 * whole skb comes along). The receive buffer is charged by truesize, so
 * such a segment would close the window by far more than its size: copy
 * the payload into a buffer of its own size first.
 */
static struct sk_buff *edu_condense(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *nskb;

	if (skb->truesize <= 2 * SKB_TRUESIZE(skb->len) || !skb->len)
		return skb;
	nskb = alloc_skb(skb->len, GFP_ATOMIC);
	if (!nskb)
		return skb;
	if (skb_copy_bits(skb, 0, skb_put(nskb, skb->len), skb->len)) {
		kfree_skb(nskb);
		return skb;
	}
	memcpy(nskb->cb, skb->cb, sizeof(skb->cb));
	consume_skb(skb);
	return nskb;
}

/* Hand in-order payload to the application's receive queue. */
static void edu_queue_rcv(struct sock *sk, struct sk_buff *skb, bool charge)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	cb->end_seq = cb->seq + skb->len;	/* no FIN in the queue */
	es->rcv_nxt = cb->end_seq;
	es->bytes_received += skb->len;
	es->rcv_bytes_since_ack += skb->len;
	es->lrcvtime = jiffies;
	if (charge)
		skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
}

/*
 * Out-of-order queue: keep segments beyond a hole, sorted by sequence
 * number, dropping those whose data we already hold.
 */
static void edu_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	struct sk_buff *pos, *tmp;

	skb_queue_walk_safe(&es->ofo_queue, pos, tmp) {
		struct edu_skb_cb *pcb = EDU_SKB_CB(pos);

		if (!edu_after(pcb->seq, cb->seq) &&
		    !edu_before(pcb->end_seq, cb->end_seq)) {
			/* fully covered by what we have */
			edu_drop(sk, skb, EDU_MIB_DROP_DUPLICATE);
			return;
		}
		if (!edu_before(pcb->seq, cb->seq) &&
		    !edu_after(pcb->end_seq, cb->end_seq)) {
			/* the new segment covers this one */
			__skb_unlink(pos, &es->ofo_queue);
			kfree_skb(pos);
			continue;
		}
		if (edu_after(pcb->seq, cb->seq)) {
			skb_set_owner_r(skb, sk);
			__skb_queue_before(&es->ofo_queue, pos, skb);
			EDU_INC_STATS(sock_net(sk), OFO_QUEUED);
			return;
		}
	}
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&es->ofo_queue, skb);
	EDU_INC_STATS(sock_net(sk), OFO_QUEUED);
}

/* A hole was filled: move what is now in order to the receive queue. */
static bool edu_ofo_drain(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&es->ofo_queue))) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);
		bool fin = cb->flags & EDU_FLAG_FIN;
		u32 data_end = cb->end_seq - fin;

		if (edu_after(cb->seq, es->rcv_nxt))
			break;
		__skb_unlink(skb, &es->ofo_queue);
		if (edu_before(data_end, es->rcv_nxt) ||
		    (data_end == es->rcv_nxt && !fin)) {
			kfree_skb(skb);		/* overlap, already have it */
			continue;
		}
		/* Trim the part that overlaps data we already have. */
		if (edu_before(cb->seq, es->rcv_nxt)) {
			if (!pskb_pull(skb, es->rcv_nxt - cb->seq)) {
				kfree_skb(skb);
				continue;
			}
			cb->seq = es->rcv_nxt;
		}
		if (skb->len) {
			edu_queue_rcv(sk, skb, false);
			trace_edu_data_queue(sk, cb->seq, skb->len, true);
		} else {
			kfree_skb(skb);
		}
		if (fin) {
			edu_fin(sk);
			return true;
		}
	}
	return false;
}

/*
 * Payload and FIN processing (RFC 9293 3.10.7.4, seventh and eighth
 * check). The segment is already known to overlap the window.
 */
static void edu_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	bool fin = cb->flags & EDU_FLAG_FIN;
	bool had_ofo, fin_done = false;
	u32 right;

	skb_dst_drop(skb);
	/* Trim the front: bytes before RCV.NXT were received already. */
	if (edu_before(cb->seq, es->rcv_nxt)) {
		u32 dup = es->rcv_nxt - cb->seq;

		if (dup > skb->len || (dup == skb->len && !fin)) {
			edu_send_ack(sk);
			edu_drop(sk, skb, EDU_MIB_DROP_DUPLICATE);
			return;
		}
		if (!pskb_pull(skb, dup)) {
			edu_drop(sk, skb, EDU_MIB_DROP_NOMEM);
			return;
		}
		cb->seq = es->rcv_nxt;
	}
	/* Trim the tail: bytes beyond the window we offered. */
	right = es->rcv_nxt + edu_rwnd(es);
	if (edu_after(cb->seq + skb->len, right)) {
		if (pskb_trim(skb, right - cb->seq)) {
			edu_drop(sk, skb, EDU_MIB_DROP_NOMEM);
			return;
		}
		fin = false;
		cb->flags &= ~EDU_FLAG_FIN;
	}
	cb->end_seq = cb->seq + skb->len + fin;
	if (cb->end_seq == cb->seq) {
		kfree_skb(skb);
		return;
	}
	/* The window was offered, but truesize can still overrun the buffer. */
	if (atomic_read(&sk->sk_rmem_alloc) > 2 * READ_ONCE(sk->sk_rcvbuf)) {
		edu_send_ack(sk);
		edu_drop(sk, skb, EDU_MIB_DROP_RCVBUF);
		return;
	}

	skb = edu_condense(sk, skb);
	cb = EDU_SKB_CB(skb);
	if (cb->seq != es->rcv_nxt) {
		/* Out of order: keep it and ask for the hole at once (RFC 5681 4.2). */
		trace_edu_data_queue(sk, cb->seq, skb->len, false);
		es->sack_recent = cb->seq;	/* its block leads the SACKs */
		edu_ofo_insert(sk, skb);
		edu_send_ack(sk);
		return;
	}

	had_ofo = !skb_queue_empty(&es->ofo_queue);
	if (skb->len) {
		edu_queue_rcv(sk, skb, true);
		trace_edu_data_queue(sk, cb->seq, skb->len, true);
	} else {
		kfree_skb(skb);
	}
	if (fin) {
		edu_fin(sk);
		fin_done = true;
	} else if (had_ofo) {
		fin_done = edu_ofo_drain(sk);
	}
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	if (fin_done)
		return;		/* edu_fin() sent the ACK */

	/*
	 * Delayed ACK (RFC 5681 4.2, RFC 9293 3.8.6.3): ACK at least every
	 * second full-sized segment, and at once when a hole was filled; else
	 * wait up to 40 ms for data to piggyback on.
	 */
	if (had_ofo || es->rcv_bytes_since_ack >= 2 * es->mss ||
	    es->rcv_bytes_since_ack >= es->rcv_wnd / 2)
		edu_send_ack(sk);
	else
		edu_arm_delack(sk);
}

/*
 * The ACK freed send-buffer room: wake a writer only if one ran out of
 * it (SOCK_NOSPACE, set by sendmsg() and poll()), as tcp_check_space()
 * does. Waking on every ACK also woke a reader sleeping on the same wait
 * queue, only for it to spin on the socket lock this softirq holds.
 */
static void edu_check_space(struct sock *sk)
{
	/* Pairs with the barrier in edu_poll(): room freed, then the test. */
	smp_mb();
	if (sk->sk_socket && test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);
}

/*
 * Remove what SEG.ACK acknowledges from the send queue. Returns an RTT
 * sample in microseconds, or -1. Karn's rule (RFC 6298 3): no sample from
 * a segment that was sent more than once. Nor from one sent once before
 * a retransmission that this ACK also covers: it waited at the receiver
 * for the hole to be filled, and its "RTT" is the length of the loss
 * recovery, not of the path (seconds where the path takes milliseconds;
 * srtt, and with it the RTO, would grow without bound). A segment sent
 * once after every retransmission the ACK covers gives a true sample
 * (Linux gets these from timestamps, RFC 7323 4; cb->when is the time of
 * the latest transmission for that reason), so that after a timeout the
 * backed-off RTO returns to SRTT + 4 RTTVAR as soon as new data is
 * acknowledged, not only once nothing retransmitted is left in flight.
 */
static long edu_clean_acked(struct sock *sk, u32 ack)
{
	struct edu_sock *es = edu_sk(sk);
	u32 now = edu_clock_us();
	bool retransmitted = false, later;
	u32 rtx_when = 0;
	long rtt = -1;
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);

		if (edu_after(cb->end_seq, ack)) {
			/* Partly acknowledged (the peer trimmed it). */
			if (edu_after(ack, cb->seq) &&
			    !(cb->flags & EDU_FLAG_SYN) &&
			    ack - cb->seq <= skb->len &&
			    !edu_trim_head(skb, ack - cb->seq)) {
				edu_sack_acked(es, skb, ack - cb->seq);
				es->bytes_acked += ack - cb->seq;
				cb->seq = ack;
			}
			break;
		}
		/* Sent after every retransmission this ACK covered so far? */
		later = !retransmitted || (s32)(cb->when - rtx_when) > 0;
		if (cb->tx_count > 1 && later) {
			rtx_when = cb->when;
			retransmitted = true;
		}
		rtt = cb->tx_count == 1 && later ? (s32)(now - cb->when) : -1;
		if (skb == es->send_head)
			es->send_head = edu_write_queue_next(sk, skb);
		es->bytes_acked += skb->len;	/* payload only, no SYN/FIN */
		edu_sack_acked(es, skb, skb->len);
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		consume_skb(skb);
	}
	es->snd_una = ack;
	if (!edu_after(es->snd_nxt, ack)) {
		es->snd_nxt = ack;
		es->send_head = skb_peek(&sk->sk_write_queue);
	}
	return rtt;
}

/*
 * RFC 9293 3.10.7.4, fifth check, for the synchronized states: advance
 * SND.UNA, take an RTT sample, update the send window, detect duplicate
 * ACKs, drive the timers and congestion control. Returns false if the
 * segment must be dropped.
 */
static bool edu_ack(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	u32 ack = cb->ack_seq, prior_una = es->snd_una, prior_nxt = es->snd_nxt;
	u32 nwin = (u32)cb->window << es->snd_wscale;
	bool win_changed = false, new_sack = false, rearm;
	long rtt = -1;

	if (edu_after(ack, es->snd_max)) {
		/* Acknowledges something never sent: ACK and drop. */
		edu_send_ack(sk);
		edu_drop(sk, skb, EDU_MIB_DROP_BAD_ACK);
		return false;
	}
	if (edu_before(ack, prior_una)) {
		/* Old duplicate: ignore the ACK, keep the data. */
		EDU_INC_STATS(sock_net(sk), DROP_OLD_ACK);
		return true;
	}
	if (edu_after(ack, prior_una))
		rtt = edu_clean_acked(sk, ack);
	if (es->sack_ok && cb->sack_off)
		new_sack = edu_sack_rcv(sk, skb);
	trace_edu_ack(sk, ack, es->snd_una - prior_una);

	/* Window update rule: only from a newer segment (SND.WL1, SND.WL2). */
	if (edu_before(es->snd_wl1, cb->seq) ||
	    (es->snd_wl1 == cb->seq && !edu_before(ack, es->snd_wl2))) {
		win_changed = nwin != es->snd_wnd;
		es->snd_wnd = nwin;
		es->snd_wl1 = cb->seq;
		es->snd_wl2 = ack;
		if (nwin > es->max_window)
			es->max_window = nwin;
	}

	/*
	 * A peer that answers our zero-window probes is alive, however long
	 * its window stays shut (RFC 9293 3.8.6.1): only probes nobody
	 * answers count towards giving up an orphan.
	 */
	es->probes_unanswered = 0;
	if (ack == prior_una) {
		/*
		 * A duplicate ACK: no data and the same window (RFC 5681 2),
		 * or, with SACK, any ACK that SACKs new data (RFC 6675 2): a
		 * receiver whose reader frees buffer space while the hole
		 * waits moves its window, and its duplicates still count.
		 */
		if (es->snd_max != es->snd_una &&
		    (new_sack || (cb->end_seq == cb->seq && !win_changed)))
			edu_cong_on_dupack(sk);
	} else {
		es->retransmits = 0;
		es->probes_out = 0;
		if (rtt >= 0)
			edu_rtt_sample(sk, rtt);
		rearm = edu_cong_on_new_ack(sk, prior_una, prior_nxt, rtt);
		/* RFC 6298 5.2 and 5.3 */
		if (es->snd_una == es->snd_max)
			edu_stop_rtx(sk);
		else if (rearm)
			edu_arm_rtx(sk);
		edu_check_space(sk);
	}
	if (es->rtx_mode == EDU_TIMER_PERSIST && es->snd_wnd) {
		es->probes_out = 0;
		edu_stop_rtx(sk);
	}
	edu_push_pending(sk, false);
	return true;
}

/* RFC 9293 3.10.7.2: LISTEN. */
void edu_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	if (cb->flags & EDU_FLAG_RST) {
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return;
	}
	if (cb->flags & EDU_FLAG_ACK) {
		/* The handshake of a child evicted by a SYN flood? */
		if (!(cb->flags & EDU_FLAG_SYN) && edu_cookie_ack(sk, skb))
			return;
		/* Nothing was sent from a listener: any other ACK is bad. */
		edu_send_reset_reply(sock_net(sk), skb);
		edu_drop(sk, skb, EDU_MIB_DROP_BAD_ACK);
		return;
	}
	if (!(cb->flags & EDU_FLAG_SYN)) {
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return;
	}
	edu_conn_request(sk, skb);
	consume_skb(skb);
}

/* RFC 9293 3.10.7.3: SYN-SENT. */
static void edu_syn_sent_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	long rtt;

	if ((cb->flags & EDU_FLAG_ACK) &&
	    (!edu_after(cb->ack_seq, es->iss) ||
	     edu_after(cb->ack_seq, es->snd_max))) {
		if (!(cb->flags & EDU_FLAG_RST))
			edu_send_reset_reply(sock_net(sk), skb);
		edu_drop(sk, skb, EDU_MIB_DROP_BAD_ACK);
		return;
	}
	if (cb->flags & EDU_FLAG_RST) {
		if (cb->flags & EDU_FLAG_ACK) {
			/* "error: connection reset" seen as ECONNREFUSED */
			trace_edu_rst_recv(sk, cb->seq, EDU_RST_REFUSED);
			EDU_INC_STATS(sock_net(sk), RST_RCVD);
			WRITE_ONCE(sk->sk_err, ECONNREFUSED);
			sk_error_report(sk);
			edu_done(sk);
			consume_skb(skb);
		} else {
			trace_edu_rst_recv(sk, cb->seq, EDU_RST_IGNORED);
			edu_drop(sk, skb, EDU_MIB_DROP_RST_INVALID);
		}
		return;
	}
	if (!(cb->flags & EDU_FLAG_SYN)) {
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return;
	}

	es->irs = cb->seq;
	es->rcv_nxt = cb->seq + 1;
	es->rcv_wup = es->rcv_nxt;
	es->copied_seq = es->rcv_nxt;
	es->rcvq_seq = es->rcv_nxt;
	es->rcvq_time = jiffies;
	if (cb->opt_wscale != 0xff) {
		es->snd_wscale = cb->opt_wscale;
	} else {
		/* RFC 7323 1.3: scaling only if both sides offered it. */
		es->wscale_ok = 0;
		es->snd_wscale = 0;
		es->rcv_wscale = 0;
	}
	es->sack_ok = es->sack_ok && cb->opt_sack_perm;	/* RFC 2018 2 */
	edu_set_mss(sk, cb->opt_mss ? : EDU_DEFAULT_MSS);
	es->snd_wnd = cb->window;	/* a SYN's window is not scaled */
	es->max_window = es->snd_wnd;
	es->snd_wl1 = cb->seq;
	es->snd_wl2 = cb->ack_seq;
	es->rcv_tstamp = jiffies;

	if (cb->flags & EDU_FLAG_ACK) {
		rtt = edu_clean_acked(sk, cb->ack_seq);
		if (rtt >= 0)
			edu_rtt_sample(sk, rtt);
		edu_rto_handshake_done(sk);	/* RFC 6298 5.7 */
		es->retransmits = 0;
		edu_stop_rtx(sk);
		edu_set_state(sk, EDU_ESTABLISHED);
		edu_reset_keepalive(sk);
		edu_send_ack(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		edu_push_pending(sk, false);
	} else {
		/* Simultaneous open: answer with SYN,ACK from SYN-RECEIVED. */
		edu_set_state(sk, EDU_SYN_RECV);
		edu_retransmit_head(sk, EDU_RTX_SYN);
	}
	consume_skb(skb);
}

/*
 * RFC 9293 3.5 figure 8, line 7: in SYN-RECEIVED (reached from SYN-SENT)
 * the peer's SYN,ACK <SEQ=IRS><ACK=ISS+1> acknowledges our SYN. Its SYN
 * is the one we already hold (RCV.NXT - 1), so the sequence check would
 * reject it; Linux accepts it too (tcp_validate_incoming). Go to
 * ESTABLISHED without answering: the peer has our SYN,ACK already. Any
 * data on it is left for the peer to retransmit.
 */
static void edu_syn_recv_crossed_synack(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	long rtt;

	if (es->parent && sk_acceptq_is_full(es->parent)) {
		edu_drop(sk, skb, EDU_MIB_DROP_ACCEPT_OVERFLOW);
		return;
	}
	es->rcv_tstamp = jiffies;
	es->ka_probes = 0;
	rtt = edu_clean_acked(sk, cb->ack_seq);
	if (rtt >= 0)
		edu_rtt_sample(sk, rtt);
	edu_rto_handshake_done(sk);
	es->retransmits = 0;
	edu_stop_rtx(sk);
	es->snd_wnd = cb->window;	/* a SYN's window is not scaled */
	es->max_window = es->snd_wnd;
	es->snd_wl1 = cb->seq;
	es->snd_wl2 = cb->ack_seq;
	edu_set_state(sk, EDU_ESTABLISHED);
	edu_reset_keepalive(sk);
	if (es->parent) {
		edu_child_established(sk);
	} else if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
	edu_push_pending(sk, false);
	consume_skb(skb);
}

/*
 * The state machine for one segment; the caller holds the socket (bh lock
 * or ownership). Consumes @skb.
 */
int edu_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);
	bool strip_data = false;
	bool fin_acked;

	es->segs_in++;
	switch (sk->sk_state) {
	case EDU_CLOSE:
		/* RFC 9293 3.10.7.1 */
		edu_send_reset_reply(sock_net(sk), skb);
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return 0;
	case EDU_LISTEN:
		edu_listen_rcv(sk, skb);
		return 0;
	case EDU_SYN_SENT:
		edu_syn_sent_rcv(sk, skb);
		return 0;
	case EDU_TIME_WAIT:
		/* The socket left the tables; edu_tw answers for it. */
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return 0;
	}

	/* The peer did not get our SYN,ACK and sends its SYN again. */
	if (sk->sk_state == EDU_SYN_RECV && (cb->flags & EDU_FLAG_SYN) &&
	    !(cb->flags & EDU_FLAG_ACK) && cb->seq == es->irs) {
		edu_retransmit_head(sk, EDU_RTX_SYN);
		consume_skb(skb);
		return 0;
	}

	/* Simultaneous open: the peer's SYN,ACK crossed ours. */
	if (sk->sk_state == EDU_SYN_RECV &&
	    (cb->flags & (EDU_FLAG_SYN | EDU_FLAG_ACK | EDU_FLAG_RST)) ==
	    (EDU_FLAG_SYN | EDU_FLAG_ACK) && cb->seq == es->irs &&
	    edu_after(cb->ack_seq, es->snd_una) &&
	    !edu_after(cb->ack_seq, es->snd_max)) {
		edu_syn_recv_crossed_synack(sk, skb);
		return 0;
	}

	/* First: sequence number. */
	if (!edu_sequence_ok(es, cb->seq, cb->end_seq)) {
		if (!edu_rwnd(es) && cb->seq == es->rcv_nxt &&
		    !(cb->flags & (EDU_FLAG_RST | EDU_FLAG_SYN))) {
			/* Zero window: still take its ACK (RFC 9293 3.10.7.4). */
			strip_data = true;
		} else {
			if (cb->flags & EDU_FLAG_RST) {
				trace_edu_rst_recv(sk, cb->seq, EDU_RST_IGNORED);
				edu_drop(sk, skb, EDU_MIB_DROP_RST_INVALID);
				return 0;
			}
			/* An ACK tells the peer where we are (RFC 9293). */
			edu_send_ack(sk);
			edu_drop(sk, skb, edu_before(cb->seq, es->rcv_nxt) &&
				 !edu_after(cb->end_seq, es->rcv_nxt) ?
				 EDU_MIB_DROP_DUPLICATE :
				 EDU_MIB_DROP_OUT_OF_WINDOW);
			return 0;
		}
	}
	es->rcv_tstamp = jiffies;
	es->ka_probes = 0;

	/* Second: RST. Exactly RCV.NXT resets; elsewhere in the window it
	 * only earns a challenge ACK (RFC 5961 3.2).
	 */
	if (cb->flags & EDU_FLAG_RST) {
		EDU_INC_STATS(sock_net(sk), RST_RCVD);
		if (cb->seq != es->rcv_nxt) {
			trace_edu_rst_recv(sk, cb->seq, EDU_RST_CHALLENGE);
			edu_send_challenge_ack(sk);
			edu_drop(sk, skb, EDU_MIB_DROP_RST_INVALID);
			return 0;
		}
		trace_edu_rst_recv(sk, cb->seq, EDU_RST_RESET);
		edu_reset(sk);
		consume_skb(skb);
		return 0;
	}

	/* Fourth: a SYN in a synchronized state (RFC 9293, RFC 5961 4.2). */
	if (cb->flags & EDU_FLAG_SYN) {
		edu_send_challenge_ack(sk);
		edu_drop(sk, skb, EDU_MIB_DROP_BAD_FLAGS);
		return 0;
	}

	/* Fifth: ACK. */
	if (!(cb->flags & EDU_FLAG_ACK)) {
		edu_drop(sk, skb, EDU_MIB_DROP_NO_ACK);
		return 0;
	}
	if (sk->sk_state == EDU_SYN_RECV) {
		if (!edu_after(cb->ack_seq, es->snd_una) ||
		    edu_after(cb->ack_seq, es->snd_max)) {
			edu_send_reset_reply(sock_net(sk), skb);
			edu_drop(sk, skb, EDU_MIB_DROP_BAD_ACK);
			return 0;
		}
		if (es->parent && sk_acceptq_is_full(es->parent)) {
			/* Leave it half-open; the SYN,ACK will be repeated. */
			edu_drop(sk, skb, EDU_MIB_DROP_ACCEPT_OVERFLOW);
			return 0;
		}
		edu_set_state(sk, EDU_ESTABLISHED);
		/* RFC 6298 5.7; a repeated SYN,ACK gives no sample (Karn) */
		edu_rto_handshake_done(sk);
		es->snd_wnd = (u32)cb->window << es->snd_wscale;
		es->max_window = es->snd_wnd;
		es->snd_wl1 = cb->seq;
		es->snd_wl2 = cb->ack_seq;
		edu_reset_keepalive(sk);
		if (es->parent)
			edu_child_established(sk);
		else if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_state_change(sk);
	}
	if (!edu_ack(sk, skb))
		return 0;

	fin_acked = es->fin_queued && es->snd_una == es->write_seq;
	switch (sk->sk_state) {
	case EDU_FIN_WAIT1:
		if (fin_acked) {
			edu_set_state(sk, EDU_FIN_WAIT2);
			if (sock_flag(sk, SOCK_DEAD)) {
				struct edu_net *en = edu_pernet(sock_net(sk));

				sk_reset_timer(sk, &es->keepalive_timer, jiffies +
					       msecs_to_jiffies(READ_ONCE(en->fin_timeout_ms)));
			} else {
				sk->sk_state_change(sk);
			}
		}
		break;
	case EDU_CLOSING:
		if (fin_acked) {
			edu_enter_time_wait(sk);
			consume_skb(skb);
			return 0;
		}
		break;
	case EDU_LAST_ACK:
		if (fin_acked) {
			edu_done(sk);
			consume_skb(skb);
			return 0;
		}
		break;
	}

	/* Seventh and eighth: payload and FIN. */
	if (strip_data) {
		/*
		 * Zero receive window: the data is not taken, but RFC 9293
		 * 3.8.6.1 still wants an ACK with RCV.NXT and the (zero)
		 * window. That ACK is the answer to a zero-window probe.
		 */
		edu_send_ack(sk);
		edu_drop(sk, skb, EDU_MIB_DROP_OUT_OF_WINDOW);
		return 0;
	}
	if (cb->end_seq == cb->seq) {
		consume_skb(skb);
		return 0;
	}
	switch (sk->sk_state) {
	case EDU_ESTABLISHED:
	case EDU_FIN_WAIT1:
	case EDU_FIN_WAIT2:
		/*
		 * Data for a socket whose application is gone (close() or
		 * shutdown(SHUT_RDWR)): nobody will read it, so reset, as
		 * RFC 9293 3.10.4 and Linux do.
		 */
		if ((sk->sk_shutdown & RCV_SHUTDOWN) && skb->len &&
		    sk->sk_state != EDU_ESTABLISHED) {
			edu_send_reset(sk);
			WRITE_ONCE(sk->sk_err, ECONNRESET);
			edu_done(sk);
			edu_drop(sk, skb, EDU_MIB_DROP_DATA_AFTER_CLOSE);
			return 0;
		}
		edu_data_queue(sk, skb);
		return 0;
	default:
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came already. */
		edu_drop(sk, skb, EDU_MIB_DROP_WRONG_STATE);
		return 0;
	}
}

int edu_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	return edu_rcv_state_process(sk, skb);
}

/*
 * A segment for a connection in TIME_WAIT (RFC 9293 3.10.7.4). Returns
 * true if it was consumed, false if it should go on to a listener (a
 * new SYN beyond the old connection's sequence space).
 */
bool edu_tw_rcv(struct edu_tw *tw, struct sk_buff *skb)
{
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	if (cb->flags & EDU_FLAG_RST) {
		if (cb->seq == tw->rcv_nxt)
			edu_tw_kill(tw);
		kfree_skb(skb);
		return true;
	}
	if ((cb->flags & EDU_FLAG_SYN) && edu_after(cb->seq, tw->rcv_nxt)) {
		/* A new incarnation of the connection may start. */
		edu_tw_kill(tw);
		return false;
	}
	if (cb->flags & EDU_FLAG_FIN)
		edu_tw_rearm(tw);	/* the peer did not get our ACK */
	if (cb->end_seq != cb->seq || (cb->flags & EDU_FLAG_SYN))
		edu_send_ctl(tw->net, tw->saddr, tw->daddr, tw->sport,
			     tw->dport, tw->snd_nxt, tw->rcv_nxt, EDU_FLAG_ACK,
			     min_t(u32, tw->rcv_wnd >> tw->rcv_wscale, 65535));
	kfree_skb(skb);
	return true;
}

/* The IP protocol handler. */
int edu_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct iphdr *iph;
	struct edu_skb_cb *cb;
	struct eduhdr *th;
	struct edu_tw *tw;
	struct sock *sk;
	unsigned int doff;
	enum edu_mib why;
	bool again = false;
	u8 flags;

	EDU_INC_STATS(net, SEGS_IN);
	why = EDU_MIB_DROP_NOT_BROADCAST;
	if (skb->pkt_type != PACKET_HOST)
		goto drop;
	why = EDU_MIB_DROP_SHORT;
	if (!pskb_may_pull(skb, EDU_HDR_LEN))
		goto drop;
	th = (struct eduhdr *)skb->data;
	doff = EDU_DOFF(th) * 4;
	why = EDU_MIB_DROP_BAD_DOFF;
	if (doff < EDU_HDR_LEN || doff > skb->len)
		goto drop;
	why = EDU_MIB_DROP_SHORT;
	if (!pskb_may_pull(skb, doff))
		goto drop;
	why = EDU_MIB_DROP_BAD_CSUM;
	if (edu_csum_input_bad(skb))
		goto drop;
	th = (struct eduhdr *)skb->data;
	iph = ip_hdr(skb);
	flags = th->flags & (EDU_FLAG_FIN | EDU_FLAG_SYN | EDU_FLAG_RST |
			     EDU_FLAG_PSH | EDU_FLAG_ACK);
	/* Combinations no correct sender produces. */
	why = EDU_MIB_DROP_BAD_FLAGS;
	if ((flags & EDU_FLAG_SYN) && (flags & (EDU_FLAG_FIN | EDU_FLAG_RST)))
		goto drop;

	cb = EDU_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = ntohl(th->seq);
	cb->ack_seq = ntohl(th->ack_seq);
	cb->window = ntohs(th->window);
	cb->flags = flags;
	cb->end_seq = cb->seq + !!(flags & EDU_FLAG_SYN) +
		      !!(flags & EDU_FLAG_FIN) + skb->len - doff;
	cb->opt_wscale = 0xff;
	if (doff > EDU_HDR_LEN)
		edu_parse_options(th, cb);
	trace_edu_rcv_segment(iph, th, cb, skb->len - doff);
	__skb_pull(skb, doff);

lookup:
	sk = edu_lookup_established(net, iph->saddr, th->source,
				    iph->daddr, th->dest);
	if (!sk) {
		tw = edu_lookup_timewait(net, iph->saddr, th->source,
					 iph->daddr, th->dest);
		if (tw) {
			bool done;

			trace_edu_lookup(iph, th, EDU_LOOKUP_TIMEWAIT, NULL);
			done = edu_tw_rcv(tw, skb);
			edu_tw_put(tw);
			if (done)
				return 0;
		}
		sk = edu_lookup_listener(net, iph->daddr, th->dest);
		trace_edu_lookup(iph, th, sk ? EDU_LOOKUP_LISTENER :
				 EDU_LOOKUP_NONE, sk);
	} else {
		trace_edu_lookup(iph, th, EDU_LOOKUP_ESTABLISHED, sk);
	}
	if (!sk) {
		edu_send_reset_reply(net, skb);
		why = EDU_MIB_DROP_NO_SOCKET;
		goto drop;
	}

	/*
	 * A listener is served without its socket lock, as Linux TCP's are:
	 * SYN processing only touches the child and the accept lists (under
	 * accept_lock), so a flood is absorbed here in softirq instead of in
	 * the backlog of whichever process happens to hold the listener.
	 */
	if (inet_sk_state_load(sk) == EDU_LISTEN) {
		edu_listen_rcv(sk, skb);
		sock_put(sk);
		return 0;
	}

	/* Children we lock below (SYN processing) use the nested subclass. */
	bh_lock_sock(sk);
	/*
	 * The socket left the tables between the lookup and the lock: a
	 * half-open child evicted by a SYN flood (edu_evict_oldest()), or a
	 * connection that just ended. Look again, as Linux TCP does for a
	 * request it lost, so that the client's ACK meets the listener and
	 * its SYN cookie instead of the reset of a closed socket
	 * (RFC 9293 3.10.7.1), which would kill a connection the client
	 * already has.
	 */
	if (sk->sk_state == EDU_CLOSE && !again) {
		bh_unlock_sock(sk);
		sock_put(sk);
		again = true;
		goto lookup;
	}
	if (!sock_owned_by_user(sk)) {
		edu_rcv_state_process(sk, skb);
	} else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
				  READ_ONCE(sk->sk_sndbuf))) {
		bh_unlock_sock(sk);
		edu_drop(sk, skb, EDU_MIB_DROP_BACKLOG);
		sock_put(sk);
		return 0;
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;

drop:
	edu_drop_net(net, NULL, skb, why);
	return 0;
}

/*
 * ICMP errors about a segment we sent (RFC 9293 3.9.3, RFC 1122 4.2.3.9).
 * skb->data is the IP header we sent, followed by at least 8 bytes of our
 * header: enough for the ports. "Protocol unreachable" is what a host
 * without AF_EDU answers, "port unreachable" a firewall: both end a
 * connection attempt at once (ECONNREFUSED); during a connection errors
 * are only remembered (sk_err_soft) and reported if it times out.
 */
int edu_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct eduhdr *th = (const struct eduhdr *)(skb->data +
							   (iph->ihl << 2));
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	struct net *net = dev_net(skb->dev);
	struct sock *sk;
	int err;

	if (type != ICMP_DEST_UNREACH || code == ICMP_FRAG_NEEDED ||
	    code > NR_ICMP_UNREACH)
		return 0;
	sk = edu_lookup_established(net, iph->daddr, th->dest, iph->saddr,
				    th->source);
	if (!sk)
		return -ENOENT;
	err = icmp_err_convert[code].errno;
	bh_lock_sock(sk);
	if (sk->sk_state == EDU_SYN_SENT && !sock_owned_by_user(sk) &&
	    (code == ICMP_PROT_UNREACH || code == ICMP_PORT_UNREACH)) {
		WRITE_ONCE(sk->sk_err, ECONNREFUSED);
		sk_error_report(sk);
		edu_done(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}
