// SPDX-License-Identifier: GPL-2.0
/*
 * TCP Vegas (L. Brakmo and L. Peterson, "TCP Vegas: End to End Congestion
 * Avoidance on a Global Internet", IEEE JSAC 13(8), 1995), as Linux's
 * tcp_vegas.c implements it.
 *
 * Vegas reacts to delay before loss. BaseRTT, the smallest RTT ever seen,
 * is the path without queues. Once per round trip it compares the rate it
 * expected, cwnd / BaseRTT, with the rate it got, cwnd / RTT, and turns
 * the difference into the number of its own segments sitting in queues:
 *
 *	Diff = (Expected - Actual) * BaseRTT = cwnd * (RTT - BaseRTT) / RTT
 *
 *	Diff < alpha (2):  the path has room, cwnd += 1
 *	Diff > beta  (4):  a queue is building, cwnd -= 1
 *	otherwise          leave cwnd alone
 *
 * so it keeps between alpha and beta segments queued at the bottleneck,
 * and the RTT stays near BaseRTT. In slow start it stops growing as soon
 * as Diff exceeds gamma (1) and sets cwnd to what the measured rate
 * needs. Losses are handled as NewReno handles them.
 */
#include <linux/module.h>
#include "edu.h"

#define VEGAS_ALPHA	2
#define VEGAS_BETA	4
#define VEGAS_GAMMA	1

struct edu_vegas {
	u32	beg_snd_nxt;	/* the round ends when this is acknowledged */
	u32	min_rtt_us;	/* smallest RTT of this round */
	u32	cnt_rtt;	/* RTT samples in this round */
	u32	last_rtt_us;	/* min_rtt_us of the last round decided */
	u32	diff;		/* Diff of the last round decided */
};

static struct edu_vegas *vegas(const struct sock *sk)
{
	BUILD_BUG_ON(sizeof(struct edu_vegas) > EDU_CA_PRIV_SIZE);
	return edu_ca_priv(sk);
}

static void vegas_new_round(struct sock *sk)
{
	struct edu_vegas *v = vegas(sk);

	v->beg_snd_nxt = edu_sk(sk)->snd_nxt;
	v->min_rtt_us = U32_MAX;
	v->cnt_rtt = 0;
}

/*
 * BaseRTT is "commonly the RTT of the first segment sent by the
 * connection, before the router queues increase" (the paper): the
 * connection's smallest RTT sample (edu_rtt_sample()), its SYN's
 * included, which Linux's Vegas, set up only after the handshake, does
 * not see. Two flows that start together then agree on the path's RTT,
 * where a flow's first data segment may already wait behind the other's
 * first window. edu_ack() takes each sample before it calls the
 * algorithm, so no sample of a round is below BaseRTT. One microsecond
 * is added to it and to every sample here: never 0.
 */
static u32 vegas_base_rtt(const struct sock *sk)
{
	return edu_sk(sk)->rtt_min_us + 1;
}

/* RTT samples: the minimum of this round. */
static void vegas_pkts_acked(struct sock *sk, const struct edu_ack_sample *s)
{
	struct edu_vegas *v = vegas(sk);
	u32 rtt;

	if (s->rtt_us < 0)
		return;
	rtt = max_t(long, s->rtt_us, 1) + 1;	/* as edu_rtt_sample() */
	v->min_rtt_us = min(v->min_rtt_us, rtt);
	v->cnt_rtt++;
}

/* Once per round trip: the comparison of expected and actual rates. */
static void vegas_decide(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_vegas *v = vegas(sk);
	u32 rtt = v->min_rtt_us, cwnd = es->snd_cwnd, base = vegas_base_rtt(sk);
	u64 diff_rtt;
	u32 target;

	/*
	 * Diff * RTT, so that Diff is compared with alpha, beta and gamma
	 * exactly. Rounded down, a Diff of 4 would stand for anything up to
	 * 5 queued segments: two flows holding 2 and 4.9 would share the
	 * link 1 : 2.5 with neither moving, where the paper's band allows
	 * at most 1 : 2.
	 */
	diff_rtt = (u64)cwnd * (rtt - base);
	v->last_rtt_us = rtt;
	v->diff = div_u64(diff_rtt, rtt);
	target = div_u64((u64)cwnd * base, rtt);

	if (edu_in_slow_start(es)) {
		if (diff_rtt > (u64)VEGAS_GAMMA * rtt) {
			/* Going too fast: cwnd = actual rate * BaseRTT. */
			es->snd_cwnd = min(cwnd, target + 1);
			es->snd_ssthresh = min(es->snd_ssthresh, es->snd_cwnd);
		} else {
			edu_slow_start(es, acked);
		}
	} else if (diff_rtt > (u64)VEGAS_BETA * rtt) {
		es->snd_cwnd = cwnd - 1;
		es->snd_ssthresh = min(es->snd_ssthresh, es->snd_cwnd);
	} else if (diff_rtt < (u64)VEGAS_ALPHA * rtt) {
		es->snd_cwnd = cwnd + 1;
	}
	es->snd_cwnd = clamp_t(u32, es->snd_cwnd, 2, 65535);
}

static void vegas_cong_avoid(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);
	struct edu_vegas *v = vegas(sk);

	/* After a timeout, until the lost window is repaired: as Reno. */
	if (es->ca_state != EDU_CA_OPEN) {
		edu_reno_cong_avoid(sk, acked);
		return;
	}
	if (edu_after(es->snd_una, v->beg_snd_nxt)) {
		/*
		 * Fewer than three samples in a round trip are probably all
		 * from delayed ACKs: not enough to judge, behave as Reno.
		 */
		if (v->cnt_rtt <= 2)
			edu_reno_cong_avoid(sk, acked);
		else
			vegas_decide(sk, acked);
		vegas_new_round(sk);
	} else if (edu_in_slow_start(es)) {
		edu_slow_start(es, acked);
	}
}

/* A loss or timeout (ssthresh as NewReno): the round starts over. */
static void vegas_on_loss(struct sock *sk, enum edu_loss_kind kind)
{
	vegas_new_round(sk);
}

static void vegas_get_info(struct sock *sk, union edu_cc_info *info)
{
	struct edu_vegas *v = vegas(sk);

	info->vegas.base_rtt_us = edu_sk(sk)->rtt_min_us ? vegas_base_rtt(sk) : 0;
	info->vegas.rtt_us = v->last_rtt_us;
	info->vegas.diff = v->diff;
	info->vegas.cnt_rtt = v->cnt_rtt;
}

static struct edu_congestion_ops edu_vegas = {
	.name		= "vegas",
	.owner		= THIS_MODULE,
	.init		= vegas_new_round,	/* BaseRTT is the connection's */
	.ssthresh	= edu_reno_ssthresh,
	.cong_avoid	= vegas_cong_avoid,
	.pkts_acked	= vegas_pkts_acked,
	.on_loss	= vegas_on_loss,
	.get_info	= vegas_get_info,
};

int edu_cong_vegas_register(void)
{
	return edu_register_congestion_control(&edu_vegas);
}

void edu_cong_vegas_unregister(void)
{
	edu_unregister_congestion_control(&edu_vegas);
}
