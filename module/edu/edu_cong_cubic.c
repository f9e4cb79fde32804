// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438), with HyStart's delay-increase exit from slow start
 * (Ha and Rhee, "Taming the elephants", 2011; the delay test of RFC 9406).
 *
 * After a loss CUBIC remembers the window it had, W_max, and cuts to
 * beta_cubic = 0.7 of it (RFC 9438 4.6). From then on the window follows
 * a cubic function of the time t since that reduction (4.2, eq. 1):
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,    C = 0.4 segments/s^3
 *	K = cbrt((W_max - cwnd_epoch) / C)                        (eq. 2)
 *
 * It climbs fast while far below W_max, flattens out around it (the
 * plateau is where the last loss happened), then probes upward again.
 * The growth depends on time, not on ACKs, so flows with different RTTs
 * converge to similar windows. In the "Reno-friendly region" (4.3) an
 * estimate W_est of what Reno would have is followed when it is larger.
 * Fast convergence (4.7) lowers W_max when losses come before reaching
 * it, leaving room to newer flows. Linux's tcp_cubic.c does the same with
 * different fixed-point scaling; this file keeps RFC 9438's variables.
 */
#include <linux/module.h>
#include "edu.h"

#define CUBIC_BETA_X10		7	/* beta_cubic = 0.7 */
#define CUBIC_C_X10		4	/* C = 0.4 */
/* alpha_cubic = 3 * (1 - beta) / (1 + beta) = 0.529, scaled by 1024 */
#define CUBIC_ALPHA_FP		542
#define CUBIC_FP_SHIFT		10
#define CUBIC_T_MAX_MS		100000	/* bound (t - K) so that ^3 fits u64 */

/* HyStart, as Linux: after 16 segments, 8 RTT samples per round. */
#define HYSTART_LOW_WINDOW	16
#define HYSTART_MIN_SAMPLES	8
#define HYSTART_DELAY_MIN_US	4000
#define HYSTART_DELAY_MAX_US	16000

struct edu_cubic {
	u32	w_max;		/* segments */
	u32	k_ms;		/* K of eq. 2, ms */
	u32	origin;		/* W_max of eq. 1 for this epoch */
	u32	epoch_us;	/* t_epoch: congestion avoidance began */
	u32	w_est_fp;	/* W_est of 4.3, << CUBIC_FP_SHIFT */
	bool	epoch_valid;
	/* HyStart */
	bool	hystart_found;
	u8	sample_cnt;
	u32	round_end;	/* the round ends when this is acknowledged */
	u32	curr_rtt_us;	/* smallest RTT of the round's first samples */
	u32	delay_min_us;	/* smallest RTT of the connection */
};

static struct edu_cubic *cubic(const struct sock *sk)
{
	BUILD_BUG_ON(sizeof(struct edu_cubic) > EDU_CA_PRIV_SIZE);
	return edu_ca_priv(sk);
}

/* Integer cube root, by bisection: called once per loss. */
static u32 cubic_cbrt(u64 a)
{
	u32 lo = 0, hi = 2642245;	/* cbrt(2^64) */

	while (lo < hi) {
		u32 mid = lo + (hi - lo + 1) / 2;

		if ((u64)mid * mid * mid <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void cubic_hystart_reset(struct sock *sk)
{
	struct edu_cubic *ca = cubic(sk);

	ca->round_end = edu_sk(sk)->snd_max;
	ca->curr_rtt_us = U32_MAX;
	ca->sample_cnt = 0;
}

static void cubic_init(struct sock *sk)
{
	cubic_hystart_reset(sk);
}

/*
 * Start an epoch (4.2): K from eq. 2, in ms. (W_max - cwnd) / C seconds^3
 * is (W_max - cwnd) * 10 / 4 * 10^9 ms^3.
 */
static void cubic_epoch_start(struct edu_cubic *ca, u32 cwnd)
{
	ca->epoch_valid = true;
	ca->epoch_us = edu_clock_us();
	ca->w_est_fp = cwnd << CUBIC_FP_SHIFT;
	if (cwnd < ca->w_max) {
		u64 k3 = div_u64((u64)(ca->w_max - cwnd) * 10 * 1000000000ULL,
				 CUBIC_C_X10);

		ca->k_ms = cubic_cbrt(k3);
		ca->origin = ca->w_max;
	} else {
		ca->k_ms = 0;
		ca->origin = cwnd;
	}
}

/*
 * The target window one RTT ahead, W_cubic(t + RTT) (4.2), or W_est when
 * Reno would do better (4.3); returns how many acknowledged segments
 * earn one more segment of cwnd.
 */
static u32 cubic_update(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_cubic *ca = cubic(sk);
	u32 cwnd = es->snd_cwnd, target, w_est, alpha;
	s64 d_ms;
	u64 delta, d3;

	if (!ca->epoch_valid)
		cubic_epoch_start(ca, cwnd);

	/*
	 * t + RTT with the path's RTT without queue, delay_min, as Linux's
	 * bictcp_update(): srtt grows with the queue CUBIC itself fills,
	 * and would pull the target ahead, most where the window is
	 * already too large.
	 */
	d_ms = (s64)((edu_clock_us() - ca->epoch_us) + ca->delay_min_us) /
	       1000 - ca->k_ms;
	d_ms = clamp_t(s64, d_ms, -CUBIC_T_MAX_MS, CUBIC_T_MAX_MS);
	d3 = (u64)abs(d_ms) * abs(d_ms) * abs(d_ms);
	/* C * (t - K)^3 with t in ms: 0.4 * d^3 / 10^9 segments */
	delta = div64_u64(d3 * CUBIC_C_X10, 10000000000ULL);
	if (d_ms < 0)
		target = ca->origin > delta ? ca->origin - delta : 0;
	else
		target = ca->origin + min_t(u64, delta, 65535);
	/* 4.2: the target lies in [cwnd, 1.5 * cwnd] */
	target = clamp_t(u32, target, cwnd, cwnd + cwnd / 2);

	/* 4.3: W_est += alpha_cubic * acked / cwnd; alpha is 1 past W_max */
	alpha = (ca->w_est_fp >> CUBIC_FP_SHIFT) >= ca->w_max ?
		1 << CUBIC_FP_SHIFT : CUBIC_ALPHA_FP;
	ca->w_est_fp += alpha * acked / cwnd;
	w_est = ca->w_est_fp >> CUBIC_FP_SHIFT;
	if (w_est > target)
		target = min(w_est, cwnd + cwnd / 2);

	/* 4.2: cwnd grows by (target - cwnd) / cwnd per acknowledged segment */
	if (target > cwnd)
		return max(cwnd / (target - cwnd), 1U);
	return 100 * cwnd;	/* at the plateau: almost still */
}

static void cubic_cong_avoid(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);

	if (edu_in_slow_start(es)) {
		acked = edu_slow_start(es, acked);
		if (!acked)
			return;
	}
	edu_cong_avoid_ai(es, cubic_update(sk, acked), acked);
}

/* 4.6 and 4.7: W_max with fast convergence, ssthresh = 0.7 * cwnd. */
static u32 cubic_ssthresh(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_cubic *ca = cubic(sk);
	u32 cwnd = es->snd_cwnd;

	ca->epoch_valid = false;
	if (cwnd < ca->w_max)
		ca->w_max = cwnd * (10 + CUBIC_BETA_X10) / 20;
	else
		ca->w_max = cwnd;
	return max(cwnd * CUBIC_BETA_X10 / 10, 2U);
}

/*
 * 4.8: after a timeout CUBIC keeps W_max and starts a new epoch once
 * slow start ends; HyStart watches the new slow start from scratch.
 */
static void cubic_on_loss(struct sock *sk, enum edu_loss_kind kind)
{
	struct edu_cubic *ca = cubic(sk);

	if (kind != EDU_LOSS_RTO)
		return;
	ca->epoch_valid = false;
	ca->hystart_found = false;
	cubic_hystart_reset(sk);
}

/*
 * HyStart delay increase: in each round, the smallest of the first eight
 * RTT samples; when it exceeds the connection's smallest RTT by an
 * eighth (4..16 ms), the queue is building: leave slow start now,
 * before the losses that overshooting would cause.
 */
static void cubic_pkts_acked(struct sock *sk, const struct edu_ack_sample *s)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_cubic *ca = cubic(sk);
	u32 delay;

	if (s->rtt_us < 0)
		return;
	delay = s->rtt_us ? : 1;
	if (!ca->delay_min_us || delay < ca->delay_min_us)
		ca->delay_min_us = delay;
	if (!edu_in_slow_start(es) || ca->hystart_found ||
	    es->snd_cwnd < HYSTART_LOW_WINDOW)
		return;
	if (edu_after(es->snd_una, ca->round_end))
		cubic_hystart_reset(sk);
	if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
		ca->curr_rtt_us = min(ca->curr_rtt_us, delay);
		ca->sample_cnt++;
		return;
	}
	if (ca->curr_rtt_us > ca->delay_min_us +
	    clamp_t(u32, ca->delay_min_us / 8, HYSTART_DELAY_MIN_US,
		    HYSTART_DELAY_MAX_US)) {
		ca->hystart_found = true;
		es->snd_ssthresh = es->snd_cwnd;
	}
}

static void cubic_get_info(struct sock *sk, union edu_cc_info *info)
{
	struct edu_cubic *ca = cubic(sk);

	info->cubic.w_max = ca->w_max;
	info->cubic.k_ms = ca->k_ms;
	info->cubic.epoch_ms = ca->epoch_valid ?
		max((edu_clock_us() - ca->epoch_us) / 1000, 1U) : 0;
	info->cubic.delay_min_us = ca->delay_min_us;
}

static struct edu_congestion_ops edu_cubic = {
	.name		= "cubic",
	.owner		= THIS_MODULE,
	.init		= cubic_init,
	.ssthresh	= cubic_ssthresh,
	.cong_avoid	= cubic_cong_avoid,
	.pkts_acked	= cubic_pkts_acked,
	.on_loss	= cubic_on_loss,
	.get_info	= cubic_get_info,
};

int edu_cong_cubic_register(void)
{
	return edu_register_congestion_control(&edu_cubic);
}

void edu_cong_cubic_unregister(void)
{
	edu_unregister_congestion_control(&edu_cubic);
}
