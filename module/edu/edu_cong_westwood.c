// SPDX-License-Identifier: GPL-2.0
/*
 * TCP Westwood+ (S. Mascolo, C. Casetti, M. Gerla, M. Sanadidi, R. Wang,
 * "TCP Westwood: Bandwidth Estimation for Enhanced Transport over
 * Wireless Links", MobiCom 2001; L. Grieco and S. Mascolo, "Performance
 * evaluation and comparison of Westwood+, New Reno, and Vegas TCP
 * congestion control", ACM CCR 34(2), 2004); Linux's is
 * net/ipv4/tcp_westwood.c, which differs as told below.
 *
 * Westwood+ grows the window as NewReno does; what differs is how far
 * a loss takes it down. The sender measures from the ACK stream the rate
 * the path delivers:
 *
 *	sample  = bytes acknowledged in the last RTT / that RTT
 *	BWE     = 7/8 BWE + 1/8 sample     (a low-pass filter, applied twice)
 *	BWE * RTTmin / MSS                 (segments; at least 2)
 *
 * is the window the path carries without a queue. The papers' rules:
 *
 *	three duplicate ACKs:	ssthresh = BWE * RTTmin,
 *				cwnd = min(cwnd, ssthresh)
 *	timeout:		ssthresh = BWE * RTTmin, cwnd = 1,
 *				RTTmin measured afresh
 *
 * so a random loss on an uncongested link costs little (the window falls
 * to what the path delivered, not to half), while a loss from a full
 * queue brings the window back to the bandwidth-delay product. Fast
 * recovery itself runs at that window. Linux's tcp_westwood.c differs
 * here: it halves as NewReno does for the recovery and sets cwnd =
 * ssthresh = BWE * RTTmin only when recovery ends (CA_EVENT_COMPLETE_CWR),
 * so it delivers half as much during each recovery and its estimate
 * drops with it. Before the first bandwidth sample there is no estimate:
 * a loss then halves as NewReno's does.
 *
 * The first sampling window opens at the first ACK of data, not when the
 * algorithm is set up at connect(): a window that also held the
 * handshake would close one RTT later on that single ACK, and seed both
 * filter stages with a rate far below what slow start then sends.
 *
 * Linux resets RTTmin after a timeout (the path may have changed) to its
 * last RTT sample, taken before the timeout; here the first sample after
 * it, of a segment not retransmitted (Karn), starts the new minimum.
 * Duplicate ACKs count as one segment delivered each, and the cumulative
 * ACK that follows is reduced by what they already counted. "+" is the
 * per-RTT sampling, which keeps ACK compression from inflating the
 * estimate. Linux samples at most every 50 ms (TCP_WESTWOOD_RTT_MIN):
 * it times the interval in jiffies, and at HZ=250 a 10 ms RTT is two or
 * three ticks, too coarse to divide by. The interval here is timed in
 * microseconds, so every RTT gives a sample, as in the paper, and the
 * estimate follows the path four to five times sooner on a 10 ms path.
 */
#include <linux/module.h>
#include "edu.h"

struct edu_westwood {
	u32	bw_ns_est;	/* first filter stage, bytes/s */
	u32	bw_est;		/* BWE, bytes/s */
	u32	win_start_us;	/* the current sampling window began */
	bool	sampling;	/* a window is open: data was acknowledged */
	u32	bk;		/* bytes acknowledged in this window */
	u32	accounted;	/* bytes counted for duplicate ACKs */
	u32	rtt_us;		/* latest RTT sample */
	u32	rtt_min_us;	/* smallest RTT since the start or a timeout */
	bool	reset_rtt_min;	/* the next RTT sample is the new RTTmin */
};

static struct edu_westwood *westwood(const struct sock *sk)
{
	BUILD_BUG_ON(sizeof(struct edu_westwood) > EDU_CA_PRIV_SIZE);
	return edu_ca_priv(sk);
}

static u32 westwood_filter(u32 a, u32 b)
{
	return (7ULL * a + b) / 8;
}

/* Bytes delivered by this ACK, duplicate ACKs counted as one MSS each. */
static u32 westwood_acked_count(struct sock *sk, const struct edu_ack_sample *s)
{
	struct edu_westwood *w = westwood(sk);
	u32 mss = edu_sk(sk)->mss, cumul = s->acked_bytes;

	if (!s->acked_segs) {
		w->accounted += mss;
		return mss;
	}
	if (cumul > mss) {
		/* Cumulative ACK after duplicates: do not count twice. */
		if (w->accounted >= cumul) {
			w->accounted -= cumul;
			cumul = mss;
		} else {
			cumul -= w->accounted;
			w->accounted = 0;
		}
	}
	return cumul;
}

static void westwood_pkts_acked(struct sock *sk, const struct edu_ack_sample *s)
{
	struct edu_westwood *w = westwood(sk);
	u32 now = edu_clock_us(), delta;

	if (s->rtt_us >= 0) {
		w->rtt_us = s->rtt_us ? : 1;
		if (!w->rtt_min_us || w->reset_rtt_min ||
		    w->rtt_us < w->rtt_min_us)
			w->rtt_min_us = w->rtt_us;
		w->reset_rtt_min = false;
	}
	if (!w->sampling) {
		/* This ACK opens the first window; it is not in it. */
		if (s->acked_segs) {
			w->sampling = true;
			w->win_start_us = now;
		}
		return;
	}
	w->bk += westwood_acked_count(sk, s);

	/* One bandwidth sample per RTT: Westwood+. */
	delta = now - w->win_start_us;
	if (!w->rtt_us || delta <= w->rtt_us)
		return;
	if (!w->bw_est && !w->bw_ns_est) {
		w->bw_ns_est = div_u64((u64)w->bk * USEC_PER_SEC, delta);
		w->bw_est = w->bw_ns_est;
	} else {
		w->bw_ns_est = westwood_filter(w->bw_ns_est,
			div_u64((u64)w->bk * USEC_PER_SEC, delta));
		w->bw_est = westwood_filter(w->bw_est, w->bw_ns_est);
	}
	w->bk = 0;
	w->win_start_us = now;
}

/* ssthresh = BWE * RTTmin, in segments. */
static u32 westwood_bw_rttmin(const struct sock *sk)
{
	struct edu_westwood *w = westwood(sk);
	u64 bdp = div_u64((u64)w->bw_est * w->rtt_min_us, USEC_PER_SEC);

	return max_t(u32, div_u64(bdp, edu_sk(sk)->mss), 2);
}

/* Three duplicate ACKs or a timeout: ssthresh = BWE * RTTmin. */
static u32 westwood_ssthresh(struct sock *sk)
{
	if (!westwood(sk)->bw_est)
		return edu_reno_ssthresh(sk);
	return westwood_bw_rttmin(sk);
}

/*
 * The core set cwnd to ssthresh; where the estimate is above the window
 * the loss came at, "if (cwnd > ssthresh) cwnd = ssthresh" leaves the
 * window as it was, and slow start climbs to ssthresh after recovery.
 */
static void westwood_on_loss(struct sock *sk, enum edu_loss_kind kind)
{
	struct edu_sock *es = edu_sk(sk);

	if (kind == EDU_LOSS_DUPACK && es->snd_ssthresh > es->undo_cwnd)
		es->snd_cwnd = edu_recovery_cwnd(es, es->undo_cwnd);
}

/* A timeout: RTTmin is measured afresh, the path may have changed. */
static void westwood_cwnd_event(struct sock *sk, enum edu_ca_event ev)
{
	if (ev == EDU_CA_EVENT_LOSS)
		westwood(sk)->reset_rtt_min = true;
}

static void westwood_get_info(struct sock *sk, union edu_cc_info *info)
{
	struct edu_westwood *w = westwood(sk);

	info->westwood.bw_est = w->bw_est;
	info->westwood.rtt_min_us = w->rtt_min_us;
	info->westwood.bw_rttmin = westwood_bw_rttmin(sk);
}

static struct edu_congestion_ops edu_westwood = {
	.name		= "westwood",
	.owner		= THIS_MODULE,
	.ssthresh	= westwood_ssthresh,
	.cong_avoid	= edu_reno_cong_avoid,
	.pkts_acked	= westwood_pkts_acked,
	.on_loss	= westwood_on_loss,
	.cwnd_event	= westwood_cwnd_event,
	.get_info	= westwood_get_info,
};

int edu_cong_westwood_register(void)
{
	return edu_register_congestion_control(&edu_westwood);
}

void edu_cong_westwood_unregister(void)
{
	edu_unregister_congestion_control(&edu_westwood);
}
