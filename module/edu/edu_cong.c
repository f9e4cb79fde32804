// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control: the congestion window (cwnd) limits how much data
 * may be in flight, next to the peer's receive window.
 *
 * The loss-recovery core here follows RFC 5681 (slow start, congestion
 * avoidance, fast retransmit on the third duplicate ACK, fast recovery)
 * and RFC 6582 (NewReno: stay in recovery on a partial ACK). What differs
 * between algorithms sits behind struct edu_congestion_ops; "reno" and
 * "newreno" are built in, EDU_CONGESTION selects one per socket.
 *
 * cwnd and ssthresh count segments of the current MSS, as Linux does.
 */
#include "edu.h"

static u32 edu_flight_segs(const struct edu_sock *es)
{
	return DIV_ROUND_UP(es->snd_max - es->snd_una, es->mss);
}

static void reno_init(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->snd_cwnd = EDU_INIT_CWND;
	es->snd_ssthresh = 0x7fffffff;	/* "arbitrarily high", RFC 5681 3.1 */
	es->snd_cwnd_cnt = 0;
}

/* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS) */
static u32 reno_ssthresh(struct sock *sk)
{
	return max_t(u32, edu_flight_segs(edu_sk(sk)) / 2, 2);
}

/*
 * Slow start: +1 segment per segment acknowledged (RFC 5681 3.1 with
 * RFC 3465 byte counting), up to ssthresh. Congestion avoidance: +1
 * segment per window's worth of acknowledged segments (about one per RTT).
 */
static void reno_cong_avoid(struct sock *sk, u32 acked)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->snd_cwnd < es->snd_ssthresh) {
		u32 room = es->snd_ssthresh - es->snd_cwnd;
		u32 grow = min_t(u32, acked, room);

		es->snd_cwnd += grow;
		acked -= grow;
		if (!acked)
			return;
	}
	es->snd_cwnd_cnt += acked;
	if (es->snd_cwnd_cnt >= es->snd_cwnd) {
		es->snd_cwnd_cnt -= es->snd_cwnd;
		es->snd_cwnd++;
	}
	es->snd_cwnd = min_t(u32, es->snd_cwnd, 65535);
}

static void reno_on_ack(struct sock *sk, u32 acked, long rtt_us)
{
	/* Delay-based algorithms would look at rtt_us here. */
}

/* RFC 5681 3.1 eq. (4) and "cwnd = 1 full-sized segment" after an RTO. */
static void reno_on_rto(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->snd_ssthresh = es->ca_ops->ssthresh(sk);
	es->snd_cwnd = 1;
	es->snd_cwnd_cnt = 0;
}

/* Reno leaves fast recovery on the first ACK of new data. */
static bool reno_recovery(struct sock *sk, bool partial)
{
	return false;
}

/* NewReno (RFC 6582) stays in recovery while ACKs are partial. */
static bool newreno_recovery(struct sock *sk, bool partial)
{
	return partial;
}

const struct edu_congestion_ops edu_reno_ops = {
	.name			= "reno",
	.init			= reno_init,
	.ssthresh		= reno_ssthresh,
	.cong_avoid		= reno_cong_avoid,
	.on_ack			= reno_on_ack,
	.on_rto			= reno_on_rto,
	.on_dupack_recovery	= reno_recovery,
};

const struct edu_congestion_ops edu_newreno_ops = {
	.name			= "newreno",
	.init			= reno_init,
	.ssthresh		= reno_ssthresh,
	.cong_avoid		= reno_cong_avoid,
	.on_ack			= reno_on_ack,
	.on_rto			= reno_on_rto,
	.on_dupack_recovery	= newreno_recovery,
};

static const struct edu_congestion_ops *const edu_cong_list[] = {
	&edu_newreno_ops,
	&edu_reno_ops,
};

const struct edu_congestion_ops *edu_find_congestion(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(edu_cong_list); i++)
		if (!strcmp(edu_cong_list[i]->name, name))
			return edu_cong_list[i];
	return NULL;
}

void edu_cong_init(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->ca_state = EDU_CA_OPEN;
	es->dupacks = 0;
	es->ca_ops->init(sk);
}

/*
 * A duplicate ACK (RFC 5681 2: no data, no window change, SEG.ACK ==
 * SND.UNA while data is outstanding). The third one starts fast
 * retransmit and fast recovery (RFC 5681 3.2, RFC 6582 3.2 step 2).
 */
void edu_cong_on_dupack(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->dupacks++;
	es->dup_acks_rcvd++;
	if (es->ca_state == EDU_CA_RECOVERY) {
		/* Each further duplicate: a segment left the network. */
		if (es->dupacks > 3)
			es->snd_cwnd++;
		return;
	}
	if (es->dupacks != 3)
		return;
	/* RFC 6582 3.2 step 2: not again for losses of the same window. */
	if (es->ca_state == EDU_CA_LOSS || edu_before(es->snd_una, es->high_seq))
		return;
	es->snd_ssthresh = es->ca_ops->ssthresh(sk);
	es->high_seq = es->snd_max;		/* "recover" */
	es->ca_state = EDU_CA_RECOVERY;
	es->fast_retrans++;
	EDU_INC_STATS(sock_net(sk), FAST_RETRANS);
	edu_retransmit_head(sk);
	es->snd_cwnd = es->snd_ssthresh + 3;
}

/* An ACK advanced SND.UNA from @prior_una. */
void edu_cong_on_new_ack(struct sock *sk, u32 prior_una, long rtt_us)
{
	struct edu_sock *es = edu_sk(sk);
	u32 acked = DIV_ROUND_UP(es->snd_una - prior_una, es->mss);

	es->dupacks = 0;
	if (es->ca_state == EDU_CA_RECOVERY) {
		bool partial = edu_before(es->snd_una, es->high_seq);

		if (partial && es->ca_ops->on_dupack_recovery(sk, true)) {
			/*
			 * RFC 6582 3.2 step 5: retransmit the next hole,
			 * deflate cwnd by what was acknowledged, add one.
			 */
			edu_retransmit_head(sk);
			es->snd_cwnd = es->snd_cwnd > acked ?
				       es->snd_cwnd - acked + 1 : 1;
			edu_arm_rtx(sk);
		} else {
			/* Full ACK (RFC 6582 step 3) or Reno: deflate. */
			es->snd_cwnd = max_t(u32, min_t(u32, es->snd_ssthresh,
						edu_flight_segs(es) + 1), 1);
			es->ca_state = EDU_CA_OPEN;
		}
	} else {
		if (es->ca_state == EDU_CA_LOSS &&
		    !edu_before(es->snd_una, es->high_seq))
			es->ca_state = EDU_CA_OPEN;
		es->ca_ops->cong_avoid(sk, acked);
	}
	es->ca_ops->on_ack(sk, acked, rtt_us);
}

/* The retransmission timer fired (RFC 5681 3.1, RFC 6582 4). */
void edu_cong_on_rto(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->ca_ops->on_rto(sk);
	es->ca_state = EDU_CA_LOSS;
	es->high_seq = es->snd_max;
	es->dupacks = 0;
}
