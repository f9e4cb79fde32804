// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgment (SACK).
 *
 * A cumulative ACK only says "everything before SEG.ACK arrived". When a
 * window loses several segments, a sender that knows nothing else learns
 * of one hole per round trip (NewReno, RFC 6582). With SACK the receiver
 * also reports the blocks of data it holds beyond the holes (RFC 2018),
 * and the sender keeps a scoreboard of them (RFC 6675): each hole with
 * enough SACKed data above it is presumed lost and resent in the same
 * round trip, and what is really in the network ("pipe"), not a window
 * inflated by duplicate ACKs, decides when the next segment may go.
 *
 * The receiver's half: edu_sack_blocks() writes the blocks into every ACK
 * while the out-of-order queue holds data.
 * The sender's half: edu_sack_rcv() marks the send queue from the blocks
 * of an ACK, edu_sack_recover() resends lost holes first during fast
 * recovery, edu_in_flight() is pipe.
 *
 * Both ends offer SACK-permitted on their SYN while net.edu.sack is 1, and
 * use SACK only if both did (RFC 2018 2).
 */
#include <asm/unaligned.h>
#include "edu.h"

/* ---- the receiver: blocks of the out-of-order queue -------------------- */

/*
 * Write NOP, NOP and the SACK option for the out-of-order queue into @opt,
 * at most @max_blocks blocks (4 fill the 36 bytes of room). RFC 2018 4:
 * the first block holds the segment that arrived last, so that each block
 * is reported in several ACKs and one lost ACK loses nothing; the others
 * follow, highest first. Returns the length written, 0 when there is
 * nothing to report.
 */
int edu_sack_blocks(struct sock *sk, u8 *opt, int max_blocks)
{
	struct edu_sock *es = edu_sk(sk);
	/* [0]: the latest arrival's block; [1..]: the others, highest first */
	u32 start[EDU_MAX_SACK_BLOCKS + 1], end[EDU_MAX_SACK_BLOCKS + 1];
	u32 cur_start = 0, cur_end = 0;
	bool have = false, recent = false;
	int n = 1, i, first, len;
	struct sk_buff *skb;

	/* Walk down from the highest sequence number, merging neighbours. */
	skb = skb_peek_tail(&es->ofo_queue);
	for (;;) {
		struct edu_skb_cb *cb = skb ? EDU_SKB_CB(skb) : NULL;

		if (cb && have && !edu_before(cb->end_seq, cur_start)) {
			if (edu_before(cb->seq, cur_start))
				cur_start = cb->seq;
		} else {
			if (have) {
				/* The block of the latest arrival goes first. */
				if (!recent && edu_between(es->sack_recent,
							   cur_start, cur_end - 1)) {
					start[0] = cur_start;
					end[0] = cur_end;
					recent = true;
				} else if (n <= EDU_MAX_SACK_BLOCKS) {
					start[n] = cur_start;
					end[n] = cur_end;
					n++;
				}
			}
			if (!cb || (recent && n == EDU_MAX_SACK_BLOCKS))
				break;
			cur_start = cb->seq;
			cur_end = cb->end_seq;
			have = true;
		}
		skb = skb_queue_is_first(&es->ofo_queue, skb) ? NULL :
		      skb_queue_prev(&es->ofo_queue, skb);
	}
	first = recent ? 0 : 1;	/* no block holds the latest: slot 0 unused */
	max_blocks = min(max_blocks, EDU_MAX_SACK_BLOCKS);
	if (first == n || max_blocks <= 0)
		return 0;
	n = min(n, first + max_blocks);
	len = 4 + (n - first) * EDU_OPTLEN_SACK_BLOCK;
	opt[0] = EDU_OPT_NOP;
	opt[1] = EDU_OPT_NOP;
	opt[2] = EDU_OPT_SACK;
	opt[3] = len - 2;
	for (i = first, opt += 4; i < n; i++, opt += EDU_OPTLEN_SACK_BLOCK) {
		put_unaligned_be32(start[i], opt);
		put_unaligned_be32(end[i], opt + 4);
	}
	return len;
}

/* ---- the sender: the scoreboard ----------------------------------------- */

/*
 * @len bytes of @skb leave the scoreboard: acknowledged cumulatively, or
 * their marks are about to change.
 */
void edu_sack_acked(struct edu_sock *es, const struct sk_buff *skb, u32 len)
{
	u8 marks = EDU_SKB_CB(skb)->sacked;

	if (marks & EDU_SACKED_ACKED)
		es->sacked_out -= min(es->sacked_out, len);
	if (marks & EDU_SACKED_LOST)
		es->lost_out -= min(es->lost_out, len);
	if (marks & EDU_SACKED_RETRANS)
		es->retrans_out -= min(es->retrans_out, len);
}

/* The peer holds @skb: it is neither lost nor in flight any more. */
static void edu_sack_mark(struct edu_sock *es, struct sk_buff *skb)
{
	struct edu_skb_cb *cb = EDU_SKB_CB(skb);

	edu_sack_acked(es, skb, skb->len);
	/*
	 * The send time of the latest segment SACKed. The first mark of a
	 * scoreboard sets it whatever the old value: the microsecond clock
	 * wraps, and a stale stamp could seem to be in the future.
	 */
	if (!es->sacked_out || (s32)(cb->when - es->sack_when) > 0)
		es->sack_when = cb->when;
	cb->sacked = EDU_SACKED_ACKED;
	es->sacked_out += skb->len;
}

/*
 * Mark what one block [@start, @end) covers of the data in flight. A send
 * queue skb may hold many segments; one that a block edge cuts is split
 * there first, so that every skb is wholly SACKed or wholly a hole. Only
 * at a segment's edge (cb->seq + k * MSS, as the skb went out): a peer
 * whose blocks cut at any byte would otherwise split the queue into
 * skbs of a byte each (the attack on Linux of CVE-2019-11478); the part
 * of a segment a block covers is not marked.
 */
static void edu_sack_block(struct sock *sk, u32 start, u32 end)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb;

	for (skb = skb_peek(&sk->sk_write_queue); skb && skb != es->send_head;
	     skb = edu_write_queue_next(sk, skb)) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);

		if (!edu_after(cb->end_seq, start))
			continue;
		if (!edu_before(cb->seq, end))
			break;
		if ((cb->sacked & EDU_SACKED_ACKED) ||
		    (cb->flags & EDU_FLAG_SYN))
			continue;
		/* The block begins inside: the front stays a hole. */
		if (edu_after(start, cb->seq)) {
			u32 off = roundup(start - cb->seq, es->mss);

			if (off < skb->len)
				edu_split_skb(sk, skb, off);
			continue;
		}
		/* It ends inside: split there and mark the front. */
		if (edu_after(cb->end_seq, end)) {
			u32 off = rounddown(end - cb->seq, es->mss);

			if (!off || off >= skb->len ||
			    edu_split_skb(sk, skb, off))
				break;
		}
		edu_sack_mark(es, skb);
	}
}

/*
 * The SACK blocks of an ACK (RFC 2018 3). Blocks that cannot be right are
 * ignored: empty ones, those at or below SND.UNA (a duplicate report,
 * RFC 2883, which this sender does not use) and those beyond what was
 * ever sent. The option itself was checked by edu_parse_options().
 *
 * After a timeout, until everything sent before it is acknowledged, the
 * blocks are not used at all (RFC 6675 5.1 ends SACK recovery there):
 * the sender goes back to SND.UNA, and marks on data beyond the new
 * SND.NXT would be taken off pipe, letting the resending burst out at
 * once into the queue that has just overflowed.
 *
 * Returns whether the ACK SACKed data not SACKed before: the duplicate
 * ACK of RFC 6675 2.
 */
bool edu_sack_rcv(struct sock *sk, const struct sk_buff *skb)
{
	struct edu_sock *es = edu_sk(sk);
	const u8 *p = skb_transport_header(skb) + EDU_SKB_CB(skb)->sack_off;
	int i, n = (p[1] - 2) / EDU_OPTLEN_SACK_BLOCK;
	u32 prior_sacked = es->sacked_out;

	if (es->ca_state == EDU_CA_LOSS)
		return false;
	for (i = 0, p += 2; i < n; i++, p += EDU_OPTLEN_SACK_BLOCK) {
		u32 start = get_unaligned_be32(p), end = get_unaligned_be32(p + 4);

		if (!edu_after(end, start) || !edu_after(end, es->snd_una) ||
		    edu_after(end, es->snd_max))
			continue;
		if (edu_before(start, es->snd_una))
			start = es->snd_una;
		edu_sack_block(sk, start, end);
	}
	return es->sacked_out > prior_sacked;
}

/*
 * A resent hole whose retransmission was lost too would wait for the
 * retransmission timer: RFC 6675 resends a hole once. RACK's test (RFC
 * 8985 6.2) finds it sooner: a segment sent after the retransmission was
 * SACKed, a quarter RTT later (the allowance for reordering), so the
 * retransmission is gone. The hole is lost again and resent once more.
 */
static void edu_sack_lost_retrans(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	s32 reo = max_t(u32, es->srtt_us / 4, 1000);
	struct sk_buff *skb;

	if (!es->sacked_out)	/* nothing SACKed: sack_when says nothing */
		return;
	for (skb = skb_peek(&sk->sk_write_queue);
	     skb && skb != es->send_head && es->retrans_out;
	     skb = edu_write_queue_next(sk, skb)) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);

		if ((cb->sacked & (EDU_SACKED_ACKED | EDU_SACKED_RETRANS)) !=
		    EDU_SACKED_RETRANS || (s32)(es->sack_when - cb->when) <= reo)
			continue;
		cb->sacked &= ~EDU_SACKED_RETRANS;
		es->retrans_out -= min(es->retrans_out, skb->len);
		if (!(cb->sacked & EDU_SACKED_LOST)) {
			cb->sacked |= EDU_SACKED_LOST;
			es->lost_out += skb->len;
		}
	}
}

/*
 * IsLost() of RFC 6675 4: a hole is presumed lost once more than
 * (DupThresh - 1) * SMSS bytes above it were SACKed, DupThresh being the
 * three duplicate ACKs of RFC 5681. Walk down from the highest segment
 * sent, adding up SACKed bytes; below the first hole already marked all
 * holes are marked (they had at least as much SACKed above them).
 */
static void edu_sack_mark_lost(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff_head *q = &sk->sk_write_queue;
	struct sk_buff *skb;
	u32 above = 0;

	if (!es->sacked_out)
		return;
	if (es->send_head && skb_queue_is_first(q, es->send_head))
		return;
	skb = es->send_head ? skb_queue_prev(q, es->send_head) : skb_peek_tail(q);
	for (; skb; skb = skb_queue_is_first(q, skb) ? NULL :
			  skb_queue_prev(q, skb)) {
		struct edu_skb_cb *cb = EDU_SKB_CB(skb);

		if (cb->sacked & EDU_SACKED_ACKED) {
			above += skb->len;
			continue;
		}
		if (cb->sacked & EDU_SACKED_LOST)
			break;
		if (above > 2 * es->mss && !(cb->flags & EDU_FLAG_SYN)) {
			cb->sacked |= EDU_SACKED_LOST;
			es->lost_out += skb->len;
		}
	}
}

/*
 * The head of the send queue is a hole that must be resent: fast
 * retransmit (RFC 6675 5 step 4.3 resends it whatever the scoreboard
 * says) and a partial ACK in recovery (the next hole of the window that
 * was in flight when the loss was found, RFC 6582's rule), unless it was
 * resent already in this recovery.
 */
void edu_sack_mark_head_lost(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct edu_skb_cb *cb;

	if (!es->sack_ok || !skb || skb == es->send_head)
		return;
	cb = EDU_SKB_CB(skb);
	if (cb->sacked || edu_after(cb->end_seq, es->high_seq))
		return;
	cb->sacked = EDU_SACKED_LOST;
	es->lost_out += skb->len;
}

/*
 * During fast recovery, before any new data: resend the lost holes,
 * lowest first, while pipe leaves room in cwnd (RFC 6675 5 step (C),
 * NextSeg() rule 1). New data (rule 2) follows in edu_push_pending().
 */
void edu_sack_recover(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb = NULL;

	if (!es->sack_ok || es->ca_state != EDU_CA_RECOVERY)
		return;
	edu_sack_lost_retrans(sk);
	edu_sack_mark_lost(sk);
	while (edu_in_flight(es) + es->mss <= es->snd_cwnd * es->mss) {
		for (skb = skb ? skb : skb_peek(&sk->sk_write_queue);
		     skb && skb != es->send_head; skb = edu_write_queue_next(sk, skb))
			if (EDU_SKB_CB(skb)->sacked == EDU_SACKED_LOST)
				break;
		if (!skb || skb == es->send_head ||
		    edu_retransmit_skb(sk, skb, EDU_RTX_SACK))
			break;
		es->sack_retrans++;
	}
}

/*
 * Forget the scoreboard (RFC 6675 5.1, after a timeout: the receiver may
 * have dropped what it SACKed, RFC 2018 8). Everything is resent from
 * SND.UNA; the connection goes on without stale marks.
 */
void edu_sack_clear(struct sock *sk)
{
	struct edu_sock *es = edu_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		EDU_SKB_CB(skb)->sacked = 0;
	es->sacked_out = 0;
	es->lost_out = 0;
	es->retrans_out = 0;
}

/*
 * What is in the network (RFC 6675 2, "pipe"): the bytes sent and not
 * acknowledged, less those the peer SACKed and those presumed lost, plus
 * the retransmissions still on their way (Linux's tcp_packets_in_flight(),
 * in bytes). Without SACK it is simply SND.NXT - SND.UNA.
 */
u32 edu_in_flight(const struct edu_sock *es)
{
	u32 out = es->snd_nxt - es->snd_una;
	u32 gone = es->sacked_out + es->lost_out;

	if (!es->sack_ok)
		return out;
	out += es->retrans_out;
	return out > gone ? out - gone : 0;
}
