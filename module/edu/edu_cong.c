// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control core: the congestion window (cwnd) limits how much
 * data may be in flight, next to the peer's receive window.
 *
 * What every algorithm shares lives here: the initial window (RFC 6928),
 * duplicate-ACK counting, fast retransmit and fast recovery (RFC 5681
 * 3.2) with NewReno's partial ACKs (RFC 6582), the loss window after a
 * retransmission timeout (RFC 5681 3.1), undo of a loss that proved
 * spurious, and the edu:edu_cong_probe tracepoint on every change of
 * cwnd or ssthresh. What differs between algorithms sits behind struct
 * edu_congestion_ops, modelled on Linux's tcp_congestion_ops
 * (net/ipv4/tcp_cong.c): how cwnd grows, how far ssthresh falls.
 *
 * With SACK (edu_sack.c) recovery follows RFC 6675 instead: cwnd falls
 * to ssthresh at once and the scoreboard's "pipe" decides what may be
 * sent, so duplicate ACKs need no window inflation and every lost hole
 * is resent in the first round trip.
 *
 * The algorithms register themselves in a list; a socket holds a
 * reference on the module that owns its algorithm, so an algorithm may
 * live in its own module (as tcp_vegas.ko does) and cannot be unloaded
 * while a socket uses it. The four of this project (reno/newreno, cubic,
 * vegas, westwood) are built into af_edu.ko so that one insmod gives a
 * student all of them.
 *
 * cwnd and ssthresh count segments of the current MSS, as Linux does.
 */
#include <linux/module.h>
#include <linux/rculist.h>
#include "edu.h"

#define CREATE_TRACE_POINTS
#include "edu_cong_trace.h"

static DEFINE_SPINLOCK(edu_cong_lock);
static LIST_HEAD(edu_cong_list);

/* Caller holds rcu_read_lock() or edu_cong_lock. */
static struct edu_congestion_ops *edu_cong_find(const char *name)
{
	struct edu_congestion_ops *ca;

	list_for_each_entry_rcu(ca, &edu_cong_list, list,
				lockdep_is_held(&edu_cong_lock))
		if (!strcmp(ca->name, name))
			return ca;
	return NULL;
}

/* Add an algorithm; EEXIST if the name is taken, EINVAL if incomplete. */
int edu_register_congestion_control(struct edu_congestion_ops *ca)
{
	int err = 0;

	if (!ca->ssthresh || !ca->cong_avoid || !ca->name[0]) {
		pr_err("af_edu: congestion control '%s' lacks a required hook\n",
		       ca->name);
		return -EINVAL;
	}
	spin_lock(&edu_cong_lock);
	if (edu_cong_find(ca->name))
		err = -EEXIST;
	else
		list_add_tail_rcu(&ca->list, &edu_cong_list);
	spin_unlock(&edu_cong_lock);
	return err;
}
EXPORT_SYMBOL_GPL(edu_register_congestion_control);

/*
 * Remove an algorithm. Sockets pin their algorithm's module, so none uses
 * it any more; readers walking the list may, until the grace period ends.
 */
void edu_unregister_congestion_control(struct edu_congestion_ops *ca)
{
	spin_lock(&edu_cong_lock);
	list_del_rcu(&ca->list);
	spin_unlock(&edu_cong_lock);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(edu_unregister_congestion_control);

/* Look up @name and take a reference on its module. */
static const struct edu_congestion_ops *edu_cong_get(const char *name)
{
	const struct edu_congestion_ops *ca;

	rcu_read_lock();
	ca = edu_cong_find(name);
	if (ca && !try_module_get(ca->owner))
		ca = NULL;
	rcu_read_unlock();
	return ca;
}

bool edu_cong_valid_name(const char *name)
{
	bool ok;

	rcu_read_lock();
	ok = edu_cong_find(name);
	rcu_read_unlock();
	return ok;
}

/* net.edu.available_congestion_control: names separated by spaces. */
void edu_cong_available(char *buf, size_t len)
{
	struct edu_congestion_ops *ca;
	size_t off = 0;

	*buf = 0;
	rcu_read_lock();
	list_for_each_entry_rcu(ca, &edu_cong_list, list)
		off += scnprintf(buf + off, len - off, "%s%s",
				 off ? " " : "", ca->name);
	rcu_read_unlock();
}

u32 edu_cong_flight_segs(const struct edu_sock *es)
{
	return DIV_ROUND_UP(es->snd_max - es->snd_una, es->mss);
}

/*
 * Report a change of cwnd or ssthresh to the tracepoint. Every place
 * that may change either goes through here, so the trace is complete.
 */
static void edu_cong_note(struct sock *sk, enum edu_cong_reason reason,
			  u32 old_cwnd, u32 old_ssthresh)
{
	struct edu_sock *es = edu_sk(sk);

	if (es->snd_cwnd != old_cwnd || es->snd_ssthresh != old_ssthresh)
		trace_edu_cong_probe(sk, reason);
}

void edu_cong_get_info(struct sock *sk, union edu_cc_info *info)
{
	const struct edu_congestion_ops *ca = edu_sk(sk)->ca_ops;

	memset(info, 0, sizeof(*info));
	if (ca->get_info)
		ca->get_info(sk, info);
}

/*
 * Slow start (RFC 5681 3.1 with RFC 3465 byte counting, as Linux's
 * tcp_slow_start): +1 segment per segment acknowledged, up to ssthresh.
 * Returns the acknowledged segments left over for congestion avoidance.
 */
u32 edu_slow_start(struct edu_sock *es, u32 acked)
{
	u32 cwnd = min(es->snd_cwnd + acked, es->snd_ssthresh);

	acked -= cwnd - es->snd_cwnd;
	es->snd_cwnd = min_t(u32, cwnd, 65535);
	return acked;
}
EXPORT_SYMBOL_GPL(edu_slow_start);

/*
 * Additive increase: +1 segment for every @w segments acknowledged. With
 * w = cwnd that is one segment per round trip (RFC 5681 eq. 3).
 */
void edu_cong_avoid_ai(struct edu_sock *es, u32 w, u32 acked)
{
	if (es->snd_cwnd_cnt >= w) {
		es->snd_cwnd_cnt = 0;
		es->snd_cwnd++;
	}
	es->snd_cwnd_cnt += acked;
	if (es->snd_cwnd_cnt >= w) {
		u32 delta = es->snd_cwnd_cnt / w;

		es->snd_cwnd_cnt -= delta * w;
		es->snd_cwnd += delta;
	}
	es->snd_cwnd = min_t(u32, es->snd_cwnd, 65535);
}
EXPORT_SYMBOL_GPL(edu_cong_avoid_ai);

/*
 * Only a sender that used its window may grow it (RFC 7661's idea, as
 * Linux's tcp_is_cwnd_limited): in slow start while the flight was more
 * than half of cwnd, later while it (almost) filled cwnd.
 */
static bool edu_cwnd_limited(const struct edu_sock *es, u32 prior_flight)
{
	u32 segs = DIV_ROUND_UP(prior_flight, es->mss);

	if (edu_in_slow_start(es))
		return es->snd_cwnd < 2 * segs;
	return segs + 3 >= es->snd_cwnd;
}

/* Set cwnd and ssthresh of a new connection; the algorithm's state too. */
void edu_cong_init(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);

	es->ca_state = EDU_CA_OPEN;
	es->dupacks = 0;
	es->snd_cwnd = EDU_INIT_CWND;
	es->snd_ssthresh = EDU_INFINITE_SSTHRESH;	/* RFC 5681 3.1 */
	es->snd_cwnd_cnt = 0;
	es->undo_possible = false;
	es->rtt_min_us = 0;
	memset(es->ca_priv, 0, sizeof(es->ca_priv));
	if (es->ca_ops->init)
		es->ca_ops->init(sk);
}

/* The socket is going away, or leaving its algorithm for another. */
void edu_cong_release(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	const struct edu_congestion_ops *ca = es->ca_ops;

	if (!ca)
		return;
	if (ca->release)
		ca->release(sk);
	es->ca_ops = NULL;
	module_put(ca->owner);
}

/* A new socket takes its namespace's net.edu.congestion_control. */
void edu_cong_set_default_ops(struct sock *sk)
{
	struct edu_net *en = edu_pernet(sock_net(sk));
	const struct edu_congestion_ops *ca;
	char name[EDU_CA_NAME_MAX];

	spin_lock_bh(&en->lock);
	memcpy(name, en->cong_default, sizeof(name));
	spin_unlock_bh(&en->lock);
	ca = edu_cong_get(name);
	/* The default's module may have gone: fall back to the built-in. */
	if (!ca) {
		__module_get(edu_newreno.owner);
		ca = &edu_newreno;
	}
	edu_sk(sk)->ca_ops = ca;
	edu_cong_init(sk);
}

/* A child of a listener uses the listener's algorithm. */
void edu_cong_copy(struct sock *child, const struct sock *parent)
{
	const struct edu_congestion_ops *ca = edu_sk(parent)->ca_ops;

	/* The parent's reference keeps the module: this cannot fail. */
	__module_get(ca->owner);
	edu_cong_release(child);
	edu_sk(child)->ca_ops = ca;
	edu_cong_init(child);
}

/*
 * EDU_CONGESTION. Before the connection starts the algorithm is simply
 * set up. On a live connection the switch is allowed, as Linux allows it
 * for TCP: the old algorithm is released, the new one starts from the
 * current cwnd and ssthresh (its private state begins afresh), so the
 * sending rate does not jump.
 */
int edu_cong_set(struct sock *sk, const char *name)
{
	struct edu_sock *es = edu_sk(sk);
	const struct edu_congestion_ops *ca;
	u32 cwnd, ssthresh, cnt;
	u8 ca_state;

	ca = edu_cong_get(name);
	if (!ca)
		return -ENOENT;
	if (ca == es->ca_ops) {
		module_put(ca->owner);
		return 0;
	}
	cwnd = es->snd_cwnd;
	ssthresh = es->snd_ssthresh;
	cnt = es->snd_cwnd_cnt;
	ca_state = es->ca_state;
	edu_cong_release(sk);
	es->ca_ops = ca;
	if ((1 << sk->sk_state) & (EDUF(EDU_CLOSE) | EDUF(EDU_LISTEN))) {
		edu_cong_init(sk);
		return 0;
	}
	memset(es->ca_priv, 0, sizeof(es->ca_priv));
	if (ca->init)
		ca->init(sk);
	es->snd_cwnd = cwnd;
	es->snd_ssthresh = ssthresh;
	es->snd_cwnd_cnt = cnt;
	es->ca_state = ca_state;
	trace_edu_cong_probe(sk, EDU_CC_SWITCH);
	return 0;
}

/*
 * A loss event: remember what undo would restore, let the algorithm set
 * ssthresh, and stamp the retransmission for the spurious-loss test.
 */
static void edu_cong_enter_loss(struct sock *sk, enum edu_loss_kind kind)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);

	es->undo_cwnd = es->snd_cwnd;
	es->undo_ssthresh = es->snd_ssthresh;
	es->undo_stamp_us = edu_clock_us();
	/*
	 * Only if the segment about to be resent went out once so far: an
	 * early ACK then answers the original. One resent before, by an
	 * earlier recovery, may be what the early ACK answers, and that
	 * copy says nothing about this loss.
	 */
	es->undo_possible = !head || EDU_SKB_CB(head)->tx_count <= 1;
	es->snd_ssthresh = es->ca_ops->ssthresh(sk);
	/* As Linux's tcp_enter_loss(): only where ssthresh was just set. */
	if (kind == EDU_LOSS_RTO && es->ca_ops->cwnd_event)
		es->ca_ops->cwnd_event(sk, EDU_CA_EVENT_LOSS);
	es->high_seq = es->snd_max;		/* "recover", RFC 6582 */
	es->partial_acked = false;
	if (kind == EDU_LOSS_RTO) {
		/* RFC 5681 3.1: the loss window is one full-sized segment. */
		es->snd_cwnd = 1;
		es->snd_cwnd_cnt = 0;
		es->ca_state = EDU_CA_LOSS;
	} else {
		es->snd_cwnd = edu_recovery_cwnd(es, es->snd_ssthresh);
		es->ca_state = EDU_CA_RECOVERY;
	}
	if (es->ca_ops->on_loss)
		es->ca_ops->on_loss(sk, kind);
}

/*
 * The ACK for the retransmitted segment came back sooner than half the
 * smallest RTT seen: it cannot answer the retransmission, so the original
 * got through and the loss was spurious (the reasoning of Eifel, RFC
 * 3522, with a clock instead of timestamps; Linux's RACK discards
 * such samples the same way). Go back to the window from before.
 */
static bool edu_cong_try_undo(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	u32 since = edu_clock_us() - es->undo_stamp_us;

	es->undo_possible = false;
	if (!es->rtt_min_us || since >= es->rtt_min_us / 2)
		return false;
	es->snd_cwnd = es->ca_ops->undo_cwnd ? es->ca_ops->undo_cwnd(sk) :
		       max(es->snd_cwnd, es->undo_cwnd);
	es->snd_ssthresh = max(es->snd_ssthresh, es->undo_ssthresh);
	es->ca_state = EDU_CA_OPEN;
	return true;
}

/*
 * A duplicate ACK (RFC 5681 2: no data, no window change, SEG.ACK ==
 * SND.UNA while data is outstanding; with SACK, RFC 6675 2: an ACK at
 * SND.UNA that SACKs new data). The third one starts fast retransmit and
 * fast recovery (RFC 5681 3.2, RFC 6582 3.2 step 2).
 */
void edu_cong_on_dupack(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	u32 cwnd = es->snd_cwnd, ssthresh = es->snd_ssthresh;
	struct edu_ack_sample s = {
		.rtt_us = -1,
		.in_flight = es->snd_max - es->snd_una,
	};

	es->dupacks++;
	es->dup_acks_rcvd++;
	if (es->ca_ops->pkts_acked)
		es->ca_ops->pkts_acked(sk, &s);
	if (es->ca_state == EDU_CA_RECOVERY) {
		/* Each further duplicate: a segment left the network. */
		if (es->dupacks > 3 && !es->sack_ok)
			es->snd_cwnd++;
		edu_cong_note(sk, EDU_CC_RECOVERY, cwnd, ssthresh);
		return;
	}
	if (es->dupacks != 3)
		return;
	/* RFC 6582 3.2 step 2: not again for losses of the same window. */
	if (es->ca_state == EDU_CA_LOSS || edu_before(es->snd_una, es->high_seq))
		return;
	edu_cong_enter_loss(sk, EDU_LOSS_DUPACK);
	es->fast_retrans++;
	EDU_INC_STATS(sock_net(sk), FAST_RETRANS);
	edu_sack_mark_head_lost(sk);
	edu_retransmit_head(sk, EDU_RTX_FAST);
	edu_cong_note(sk, EDU_CC_RECOVERY_ENTER, cwnd, ssthresh);
}

/*
 * An ACK advanced SND.UNA from @prior_una (SND.NXT was @prior_nxt).
 * Returns whether the caller restarts the retransmission timer (RFC 6298
 * 5.3): not on the second and later partial ACKs of a recovery (below).
 */
bool edu_cong_on_new_ack(struct sock *sk, u32 prior_una, u32 prior_nxt,
			 long rtt_us)
{
	struct edu_sock *es = edu_sk(sk);
	const struct edu_congestion_ops *ca = es->ca_ops;
	u32 cwnd = es->snd_cwnd, ssthresh = es->snd_ssthresh;
	struct edu_ack_sample s = {
		.acked_bytes = es->snd_una - prior_una,
		.acked_segs = DIV_ROUND_UP(es->snd_una - prior_una, es->mss),
		.rtt_us = rtt_us,
		.in_flight = es->snd_max - prior_una,
	};
	enum edu_cong_reason reason;
	bool rearm = true;

	es->dupacks = 0;
	if (ca->pkts_acked)
		ca->pkts_acked(sk, &s);
	if (es->undo_possible && edu_cong_try_undo(sk)) {
		edu_cong_note(sk, EDU_CC_UNDO, cwnd, ssthresh);
		return true;
	}
	if (es->ca_state == EDU_CA_RECOVERY) {
		bool partial = edu_before(es->snd_una, es->high_seq);

		if (partial && es->sack_ok) {
			/*
			 * SACK recovery (RFC 6675): cwnd stays at ssthresh,
			 * the scoreboard finds the holes and pipe paces them;
			 * the next hole is lost too if it was in flight when
			 * recovery began. Every ACK that advances SND.UNA
			 * restarts the timer (RFC 6298 5.3).
			 */
			edu_sack_mark_head_lost(sk);
			reason = EDU_CC_RECOVERY;
		} else if (partial && !(ca->flags & EDU_CA_FLAG_RENO_RECOVERY)) {
			/*
			 * RFC 6582 3.2 step 5: retransmit the next hole,
			 * deflate cwnd by what was acknowledged, add one,
			 * and reset the retransmit timer on the first
			 * partial ACK only (the "Impatient" variant of RFC
			 * 6582 4): a window with many losses, which would
			 * take one round trip per hole, ends in a timeout
			 * and slow start instead of crawling on for
			 * seconds while the competing flows take the link.
			 */
			edu_retransmit_head(sk, EDU_RTX_PARTIAL_ACK);
			es->snd_cwnd = es->snd_cwnd > s.acked_segs ?
				       es->snd_cwnd - s.acked_segs + 1 : 1;
			rearm = !es->partial_acked;
			es->partial_acked = true;
			reason = EDU_CC_RECOVERY;
		} else {
			/* Full ACK (RFC 6582 step 3) or Reno: deflate. */
			es->snd_cwnd = max_t(u32, min_t(u32, es->snd_ssthresh,
						edu_cong_flight_segs(es) + 1), 1);
			es->snd_cwnd_cnt = 0;
			es->ca_state = EDU_CA_OPEN;
			reason = EDU_CC_RECOVERY_EXIT;
			/* Linux's tcp_end_cwnd_reduction(); not after undo. */
			if (ca->cwnd_event)
				ca->cwnd_event(sk, EDU_CA_EVENT_COMPLETE_CWR);
		}
	} else {
		u32 acked = s.acked_segs;

		/*
		 * After a timeout the receiver may hold, out of order, much
		 * of what was sent before it: one ACK for a resent hole then
		 * covers far more than went out since. Only what this ACK
		 * acknowledges of the resent data, below the SND.NXT of the
		 * go-back, counts for growth (RFC 5681 3.1 grows cwnd by
		 * what the ACKs say has left the network; RFC 3465 2.3 warns
		 * of exactly this burst); the rest would add dozens at once.
		 */
		if (es->ca_state == EDU_CA_LOSS) {
			u32 sent = edu_before(prior_nxt, es->snd_una) ?
				   prior_nxt : es->snd_una;

			acked = DIV_ROUND_UP(sent - prior_una, es->mss);
			if (!edu_before(es->snd_una, es->high_seq))
				es->ca_state = EDU_CA_OPEN;
		}
		reason = edu_in_slow_start(es) ? EDU_CC_SLOW_START :
			 EDU_CC_CONG_AVOID;
		if (edu_cwnd_limited(es, s.in_flight))
			ca->cong_avoid(sk, acked);
		/* The algorithm ended slow start itself (HyStart, Vegas). */
		if (es->snd_ssthresh != ssthresh)
			reason = EDU_CC_SS_EXIT;
	}
	edu_cong_note(sk, reason, cwnd, ssthresh);
	return rearm;
}

/* The retransmission timer fired (RFC 5681 3.1, RFC 6582 4). */
void edu_cong_on_rto(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	u32 cwnd = es->snd_cwnd, ssthresh = es->snd_ssthresh;
	bool backoff = es->ca_state == EDU_CA_LOSS && es->retransmits > 1;
	bool in_recovery = es->ca_state == EDU_CA_RECOVERY &&
			   edu_before(es->snd_una, es->high_seq);

	/*
	 * RFC 5681 3.1: ssthresh falls once per loss, not again when the
	 * same segment times out twice (backoff), nor when the timer ends
	 * the fast recovery of the window whose loss already lowered it
	 * (Linux's tcp_enter_loss() decides the same): there it stays at
	 * most eq. 4 of the flight now, and the algorithm's ssthresh() is
	 * not asked again, as CUBIC's would take W_max from the cwnd that
	 * recovery inflated. cwnd is 1 either way.
	 */
	if (!backoff && !in_recovery) {
		edu_cong_enter_loss(sk, EDU_LOSS_RTO);
	} else {
		if (in_recovery)
			es->snd_ssthresh = min(es->snd_ssthresh,
					       edu_reno_ssthresh(sk));
		es->snd_cwnd = 1;
		es->snd_cwnd_cnt = 0;
		es->undo_possible = false;
		es->high_seq = es->snd_max;
		es->ca_state = EDU_CA_LOSS;
		if (es->ca_ops->on_loss)
			es->ca_ops->on_loss(sk, EDU_LOSS_RTO);
	}
	es->dupacks = 0;
	edu_sack_clear(sk);
	edu_cong_note(sk, EDU_CC_RTO, cwnd, ssthresh);
}

/* The algorithms built into af_edu.ko, newreno (the fallback) first. */
static const struct {
	int	(*reg)(void);
	void	(*unreg)(void);
} edu_cong_builtin[] = {
	{ edu_cong_reno_register, edu_cong_reno_unregister },
	{ edu_cong_cubic_register, edu_cong_cubic_unregister },
	{ edu_cong_vegas_register, edu_cong_vegas_unregister },
	{ edu_cong_westwood_register, edu_cong_westwood_unregister },
};

int edu_cong_register_builtin(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(edu_cong_builtin); i++) {
		err = edu_cong_builtin[i].reg();
		if (err)
			goto out;
	}
	return 0;
out:
	while (--i >= 0)
		edu_cong_builtin[i].unreg();
	return err;
}

void edu_cong_unregister_builtin(void)
{
	int i = ARRAY_SIZE(edu_cong_builtin);

	while (--i >= 0)
		edu_cong_builtin[i].unreg();
}
