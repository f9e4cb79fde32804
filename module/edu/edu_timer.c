// SPDX-License-Identifier: GPL-2.0
/*
 * AF_EDU timers. Each socket has three:
 *
 *   rtx_timer        the retransmission timer (RFC 6298), or, while the
 *                    peer's window is closed and nothing is in flight,
 *                    the persist timer that sends zero-window probes
 *                    (RFC 9293 3.8.6.1)
 *   delack_timer     delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2)
 *   keepalive_timer  keepalive probes (RFC 9293 3.8.4), and for an
 *                    orphaned socket in FIN_WAIT2 the time it may wait
 *                    for the peer's FIN
 *
 * TIME_WAIT has its own timer in struct edu_tw (edu_hash.c).
 *
 * sk_reset_timer() takes a socket reference when it arms a timer that was
 * not pending and sk_stop_timer() drops it when it cancels one, so a
 * pending timer always pins the socket; each handler ends with sock_put().
 * Handlers run in softirq: if the application owns the socket they try
 * again a little later instead of touching the TCB.
 */
#include "edu.h"
#include "edu_trace.h"

#define EDU_TIMER_RETRY	(HZ / 20)

/* ---- RTT estimation, RFC 6298 ---------------------------------------- */

/*
 * RFC 6298 2.2/2.3 with alpha = 1/8, beta = 1/4, K = 4:
 *   first sample R:  SRTT = R, RTTVAR = R/2
 *   later samples:   RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|
 *                    SRTT   = 7/8 SRTT + 1/8 R
 *   RTO = SRTT + max(200 ms, 4 * RTTVAR), at most 120 s
 * 2.4 allows a minimum below 1 s. The 200 ms floor applies to the
 * variance term, not to the sum, as in Linux (tcp_rtt_estimator() keeps
 * rttvar at least tcp_rto_min, tcp_set_rto() adds SRTT): the timer always
 * waits 200 ms beyond the smoothed RTT (2.2's G, a clock tick, is far
 * less), so an RTT that jumps with a queue or a descheduled peer does
 * not cause a spurious timeout, and timeouts match kernel TCP's.
 * Callers pass only samples from segments sent once (Karn's rule, 3).
 */
void edu_rtt_sample(struct sock *sk, long rtt_us)
{
	struct edu_sock *es = edu_sk(sk);
	u32 r = rtt_us > 0 ? rtt_us : 1;
	u32 rto_us, var;

	if (!es->srtt_us) {
		es->srtt_us = r;
		es->rttvar_us = r / 2;
	} else {
		u32 diff = es->srtt_us > r ? es->srtt_us - r : r - es->srtt_us;

		es->rttvar_us = es->rttvar_us - es->rttvar_us / 4 + diff / 4;
		es->srtt_us = es->srtt_us - es->srtt_us / 8 + r / 8;
	}
	if (!es->rtt_min_us || r < es->rtt_min_us)
		es->rtt_min_us = r;	/* for undo (edu_cong.c) */
	var = max_t(u32, 4 * es->rttvar_us, jiffies_to_usecs(EDU_RTO_MIN));
	rto_us = es->srtt_us + var;
	es->rto = clamp_t(u32, usecs_to_jiffies(rto_us), EDU_RTO_MIN,
			  EDU_RTO_MAX);
}

/*
 * RFC 6298 5.7: if the retransmission timer expired while our SYN (or
 * SYN,ACK) waited for its ACK, and Karn's rule left no RTT sample from
 * the handshake, the RTO must be re-initialized to 3 s when data
 * transmission begins, not kept at the backed-off 1 s initial value.
 * Linux does the same (TCP_TIMEOUT_FALLBACK in tcp_init_metrics()).
 * Call when the handshake completes, before the retransmission counter
 * is cleared by the ACK.
 */
void edu_rto_handshake_done(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->retransmits && !es->srtt_us)
		es->rto = EDU_RTO_FALLBACK;
}

/* ---- arming and stopping --------------------------------------------- */

void edu_arm_rtx(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->rtx_mode = EDU_TIMER_RETRANS;
	sk_reset_timer(sk, &es->rtx_timer, jiffies + es->rto);
}

/* Probe interval: RTO, doubled for every probe while the window is shut. */
static unsigned long edu_persist_interval(const struct edu_sock *es)
{
	unsigned long when = max_t(unsigned long, es->rto, EDU_PROBE_MIN);

	return min_t(unsigned long, when << min_t(u8, es->probes_out, 10),
		     EDU_RTO_MAX);
}

void edu_arm_persist(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->rtx_mode = EDU_TIMER_PERSIST;
	sk_reset_timer(sk, &es->rtx_timer, jiffies + edu_persist_interval(es));
}

void edu_stop_rtx(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->rtx_mode = EDU_TIMER_NONE;
	sk_stop_timer(sk, &es->rtx_timer);
}

/*
 * An ACK is owed: send it by EDU_DELACK_TIME after the first segment not
 * yet acknowledged. Sending an ACK only clears ack_pending and leaves the
 * timer alone (Linux TCP does the same), so a bulk receiver does not stop
 * and restart a timer for every second segment; a timer that fires before
 * the ACK now owed is due goes back to sleep until then.
 */
void edu_arm_delack(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (!es->ack_pending)
		es->delack_due = jiffies + EDU_DELACK_TIME;
	es->ack_pending = 1;
	if (!timer_pending(&es->delack_timer))
		sk_reset_timer(sk, &es->delack_timer, es->delack_due);
}

/* (Re)start keepalive after activity, or stop it when it is off. */
void edu_reset_keepalive(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);

	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    !((1 << sk->sk_state) & (EDUF(EDU_ESTABLISHED) |
				      EDUF(EDU_CLOSE_WAIT)))) {
		sk_stop_timer(sk, &es->keepalive_timer);
		return;
	}
	es->ka_probes = 0;
	sk_reset_timer(sk, &es->keepalive_timer, jiffies +
		       msecs_to_jiffies(READ_ONCE(en->keepalive_time_ms)));
}

void edu_stop_timers(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->rtx_mode = EDU_TIMER_NONE;
	sk_stop_timer(sk, &es->rtx_timer);
	sk_stop_timer(sk, &es->delack_timer);
	sk_stop_timer(sk, &es->keepalive_timer);
}

/* ---- handlers -------------------------------------------------------- */

/* Give up on the connection (RFC 9293 3.8.3, R2): report and close. */
static void edu_write_err(struct sock *sk)
{
	EDU_INC_STATS(sock_net(sk), TIMEOUTS);
	WRITE_ONCE(sk->sk_err, sk->sk_err_soft ? : ETIMEDOUT);
	sk_error_report(sk);
	edu_done(sk);
}

/*
 * The retransmission timer expired (RFC 6298 5.4-5.6): retransmit the
 * earliest unacknowledged segment, double the RTO, collapse the
 * congestion window (RFC 5681 3.1), and go back: everything after
 * SND.UNA will be sent again as the congestion window opens.
 */
/*
 * How long @boundary retransmissions take when the RTO starts at its
 * minimum and doubles up to EDU_RTO_MAX: the time an orphan may spend
 * retransmitting (RFC 9293 3.8.3: R2 is a time, at least 100 s for data;
 * Linux's retransmits_timed_out() reasons the same way). A peer that went
 * away must not hold a closed connection, and the module, for the many
 * minutes a backed-off RTO would take.
 */
static unsigned long edu_retries_timeout(unsigned int boundary)
{
	unsigned int thresh = ilog2(EDU_RTO_MAX / EDU_RTO_MIN);

	if (boundary <= thresh)
		return ((2UL << boundary) - 1) * EDU_RTO_MIN;
	return ((2UL << thresh) - 1) * EDU_RTO_MIN +
	       (boundary - thresh) * EDU_RTO_MAX;
}

/* Has an orphan retransmitted long enough (net.edu.orphan_retries)? */
static bool edu_orphan_gives_up(struct sock *sk)
{
	int limit = READ_ONCE(edu_pernet(sock_net(sk))->orphan_retries);
	struct edu_sock *es = edu_sk(sk);

	if (es->retransmits >= limit)
		return true;
	return es->retransmits &&
	       time_after(jiffies, es->retrans_stamp + edu_retries_timeout(limit));
}

static void edu_retransmit_timer(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);
	int limit;

	if (es->snd_una == es->snd_max || skb_queue_empty(&sk->sk_write_queue)) {
		es->rtx_mode = EDU_TIMER_NONE;
		return;
	}
	es->rto_expiries++;
	EDU_INC_STATS(sock_net(sk), RTO);
	limit = (1 << sk->sk_state) & (EDUF(EDU_SYN_SENT) | EDUF(EDU_SYN_RECV)) ?
		READ_ONCE(en->syn_retries) : READ_ONCE(en->retries);
	if (es->retransmits >= limit ||
	    (sock_flag(sk, SOCK_DEAD) && edu_orphan_gives_up(sk))) {
		edu_write_err(sk);
		return;
	}
	if (!es->retransmits)
		es->retrans_stamp = jiffies;
	es->retransmits++;
	edu_cong_on_rto(sk);
	es->rto = min_t(u32, es->rto * 2, EDU_RTO_MAX);

	es->snd_nxt = es->snd_una;
	es->send_head = skb_peek(&sk->sk_write_queue);
	es->rtx_mode = EDU_TIMER_NONE;
	edu_push_pending(sk, true);
	if (!timer_pending(&es->rtx_timer))
		edu_arm_rtx(sk);
}

/* Persist timer: probe a zero window, with exponential backoff. */
static void edu_probe_timer(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);

	es->rtx_mode = EDU_TIMER_NONE;
	if (!es->send_head || es->snd_max != es->snd_una)
		return;
	/*
	 * An orphan gives up on a peer that stopped answering, and also on
	 * one that answers but never reads, once the backoff has reached
	 * EDU_RTO_MAX (as Linux's tcp_probe_timer() does).
	 */
	if (sock_flag(sk, SOCK_DEAD) &&
	    (es->probes_unanswered >= READ_ONCE(en->orphan_retries) ||
	     (edu_persist_interval(es) >= EDU_RTO_MAX &&
	      es->probes_out >= READ_ONCE(en->orphan_retries)))) {
		edu_send_reset(sk);
		edu_write_err(sk);
		return;
	}
	trace_edu_retransmit(sk, EDU_RTX_PROBE, es->snd_una - 1, es->snd_una - 1,
			     es->probes_out + 1);
	edu_send_probe(sk);
	es->probes_out++;
	es->probes_unanswered++;
	es->zero_wnd_probes++;
	EDU_INC_STATS(sock_net(sk), ZERO_WND_PROBES);
	edu_arm_persist(sk);
}

static void edu_rtx_timer(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->rtx_mode == EDU_TIMER_PERSIST)
		edu_probe_timer(sk);
	else if (es->rtx_mode == EDU_TIMER_RETRANS)
		edu_retransmit_timer(sk);
}

static void edu_delack_timer(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->ack_pending && time_before(jiffies, es->delack_due)) {
		sk_reset_timer(sk, &es->delack_timer, es->delack_due);
	} else if (es->ack_pending) {
		/* No answer carried it: not interactive after all. */
		es->pingpong = 0;
		EDU_INC_STATS(sock_net(sk), DELAYED_ACKS);
		edu_send_ack(sk);
	}
}

static void edu_keepalive_timer(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	struct edu_sock *es = edu_sk(sk);
	unsigned long idle, ka_time;

	/* Orphaned FIN_WAIT2: the peer never sent its FIN. */
	if (sk->sk_state == EDU_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		EDU_INC_STATS(sock_net(sk), TIMEOUTS);
		edu_done(sk);
		return;
	}
	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    !((1 << sk->sk_state) & (EDUF(EDU_ESTABLISHED) |
				      EDUF(EDU_CLOSE_WAIT))))
		return;
	ka_time = msecs_to_jiffies(READ_ONCE(en->keepalive_time_ms));
	idle = jiffies - es->rcv_tstamp;
	if (idle < ka_time && !es->ka_probes) {
		sk_reset_timer(sk, &es->keepalive_timer,
			       jiffies + ka_time - idle);
		return;
	}
	if (es->ka_probes >= READ_ONCE(en->keepalive_probes)) {
		edu_send_reset(sk);
		edu_write_err(sk);
		return;
	}
	trace_edu_retransmit(sk, EDU_RTX_KEEPALIVE, es->snd_una - 1,
			     es->snd_una - 1, es->ka_probes + 1);
	edu_send_probe(sk);
	es->ka_probes++;
	EDU_INC_STATS(sock_net(sk), KEEPALIVE_PROBES);
	sk_reset_timer(sk, &es->keepalive_timer, jiffies +
		       msecs_to_jiffies(READ_ONCE(en->keepalive_intvl_ms)));
}

/*
 * What every handler does around its work: under the socket's spinlock,
 * nothing for a socket that is closed, listening or in TIME_WAIT; if the
 * application owns the socket, fire again EDU_TIMER_RETRY later; then
 * drop the reference the pending @timer held. Inlined into each caller,
 * so that @handler is a direct call.
 */
static __always_inline void edu_timer_run(struct sock *sk,
					  struct timer_list *timer,
					  void (*handler)(struct sock *sk))
{
	bh_lock_sock(sk);
	if (sk->sk_state == EDU_CLOSE || sk->sk_state == EDU_LISTEN ||
	    sk->sk_state == EDU_TIME_WAIT)
		goto out;
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, timer, jiffies + EDU_TIMER_RETRY);
		goto out;
	}
	handler(sk);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void edu_rtx_timer_fn(struct timer_list *t)
{
	struct edu_sock *es = from_timer(es, t, rtx_timer);

	edu_timer_run((struct sock *)es, t, edu_rtx_timer);
}

static void edu_delack_timer_fn(struct timer_list *t)
{
	struct edu_sock *es = from_timer(es, t, delack_timer);

	edu_timer_run((struct sock *)es, t, edu_delack_timer);
}

static void edu_keepalive_timer_fn(struct timer_list *t)
{
	struct edu_sock *es = from_timer(es, t, keepalive_timer);

	edu_timer_run((struct sock *)es, t, edu_keepalive_timer);
}

void edu_init_timers(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	timer_setup(&es->rtx_timer, edu_rtx_timer_fn, 0);
	timer_setup(&es->delack_timer, edu_delack_timer_fn, 0);
	timer_setup(&es->keepalive_timer, edu_keepalive_timer_fn, 0);
}
