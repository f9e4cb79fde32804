// SPDX-License-Identifier: GPL-2.0
/*
 * NewReno, the default (RFC 5681, RFC 6582), and classic Reno.
 *
 * Both grow the window the same way: slow start doubles it every round
 * trip, congestion avoidance adds one segment per round trip (additive
 * increase), and a loss halves what was in flight (multiplicative
 * decrease, RFC 5681 eq. 4). They differ only in fast recovery, which the
 * core (edu_cong.c) runs: NewReno stays in recovery while ACKs are
 * partial, retransmitting one hole per round trip (RFC 6582 3.2 step 5);
 * Reno leaves on the first new ACK and may need a timeout for the next
 * hole of the same window.
 */
#include <linux/module.h>
#include "edu.h"

/*
 * RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS). Right
 * after a recovery, cwnd has deflated below what is still in flight
 * (RFC 6582 3.2 step 3); a loss detected then must not raise the window:
 * half of cwnd when that is less (Linux's tcp_reno_ssthresh() always
 * halves cwnd).
 */
u32 edu_reno_ssthresh(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	return max_t(u32, min(edu_cong_flight_segs(es), es->snd_cwnd) / 2, 2);
}
EXPORT_SYMBOL_GPL(edu_reno_ssthresh);

/*
 * Slow start while cwnd < ssthresh (RFC 5681 3.1), then one segment per
 * window's worth of acknowledged segments, about one per RTT (eq. 3).
 */
void edu_reno_cong_avoid(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);

	if (edu_in_slow_start(es)) {
		acked = edu_slow_start(es, acked);
		if (!acked)
			return;
	}
	edu_cong_avoid_ai(es, es->snd_cwnd, acked);
}
EXPORT_SYMBOL_GPL(edu_reno_cong_avoid);

struct edu_congestion_ops edu_newreno = {
	.name		= "newreno",
	.owner		= THIS_MODULE,
	.ssthresh	= edu_reno_ssthresh,
	.cong_avoid	= edu_reno_cong_avoid,
};

static struct edu_congestion_ops edu_reno = {
	.name		= "reno",
	.owner		= THIS_MODULE,
	.flags		= EDU_CA_FLAG_RENO_RECOVERY,
	.ssthresh	= edu_reno_ssthresh,
	.cong_avoid	= edu_reno_cong_avoid,
};

int edu_cong_reno_register(void)
{
	int err = edu_register_congestion_control(&edu_newreno);

	if (err)
		return err;
	err = edu_register_congestion_control(&edu_reno);
	if (err)
		edu_unregister_congestion_control(&edu_newreno);
	return err;
}

void edu_cong_reno_unregister(void)
{
	edu_unregister_congestion_control(&edu_reno);
	edu_unregister_congestion_control(&edu_newreno);
}
