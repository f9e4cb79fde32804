// SPDX-License-Identifier: GPL-2.0
/*
 * The edunic transmitter and the wire between the two NICs.
 *
 * edunic_hw_tx_run() plays the part of the transmit engine of a NIC: it
 * takes posted descriptors off the TX ring as fast as the link rate allows,
 * appends the Ethernet FCS and puts the frame on the wire. The wire keeps
 * frames in flight, sorted by arrival time, and applies the link emulation
 * of the sending device (rate, delay, jitter, loss, duplication, reordering,
 * corruption). At its arrival time a frame reaches the receiving MAC, which
 * checks the FCS before the RX DMA (edunic_dma_to_peer) may see it.
 *
 * Everything here runs under the sending device's hw_lock: from
 * ndo_start_xmit (the doorbell) or from hw_timer, a soft hrtimer that fires
 * when the next frame may start or the next frame arrives.
 */
#include <linux/crc32.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/if_edunic.h>
#include <asm/unaligned.h>

#include "edunic.h"
#include "edunic_trace.h"

/* Preamble + start delimiter (8) and inter-frame gap (12), in bytes. */
#define EDUNIC_WIRE_OVERHEAD	20

/*
 * The Ethernet frame check sequence (IEEE 802.3 clause 3.2.9): CRC-32 of
 * the frame from the destination address to the last byte of padding,
 * sent complemented and least significant byte first.
 */
u32 edunic_fcs(const u8 *data, u32 len)
{
	return ~crc32_le(~0, data, len);
}

static bool edunic_chance(u32 ppm)
{
	return ppm && get_random_u32_below(EDUNIC_PPM_MAX) < ppm;
}

static void edunic_wire_insert(struct edunic_wire *wire,
			       struct edunic_frame *frame)
{
	struct edunic_frame *pos;

	/* Most frames arrive last: search from the tail. */
	list_for_each_entry_reverse(pos, &wire->in_flight, list) {
		if (!ktime_after(pos->arrival, frame->arrival)) {
			list_add(&frame->list, &pos->list);
			wire->frames++;
			return;
		}
	}
	list_add(&frame->list, &wire->in_flight);
	wire->frames++;
}

/*
 * The frame leaves the MAC at @start. Serialising it at the link rate
 * keeps the transmitter busy until wire->free_at; then it propagates for
 * delay +/- jitter. Each emulated impairment is counted where it happens.
 */
static noinline void edunic_wire_send(struct edunic_priv *priv,
			     struct edunic_frame *frame, ktime_t start,
			     u32 rate_kbit)
{
	struct edunic_emul *emul = &priv->emul;
	struct edunic_tx_stats *st = &priv->tx_stats;
	u32 jitter = READ_ONCE(emul->jitter_us);
	s64 wait_us = READ_ONCE(emul->delay_us);
	u32 wire_len = frame->len + ETH_FCS_LEN;
	ktime_t sent = start;

	put_unaligned_le32(edunic_fcs(frame->data, frame->len),
			   frame->data + frame->len);

	if (rate_kbit) {
		u64 bits = (u64)(wire_len + EDUNIC_WIRE_OVERHEAD) * 8;

		/* bits / (kbit/s * 1000) seconds = bits * 10^6 / kbit/s ns */
		sent = ktime_add_ns(start, div_u64(bits * NSEC_PER_MSEC,
						   rate_kbit));
		priv->wire.free_at = sent;
	}

	u64_stats_update_begin(&st->syncp);
	if (edunic_chance(READ_ONCE(emul->loss_ppm))) {
		u64_stats_inc(&st->emul_lost);
		u64_stats_update_end(&st->syncp);
		kfree(frame);
		return;
	}
	if (edunic_chance(READ_ONCE(emul->corrupt_ppm))) {
		/* One bit anywhere, FCS included: the receiver must notice. */
		u32 bit = get_random_u32_below(wire_len * 8);

		frame->data[bit / 8] ^= BIT(bit % 8);
		u64_stats_inc(&st->emul_corrupted);
	}
	if (jitter)
		wait_us += (s64)get_random_u32_below(2 * jitter + 1) - jitter;
	if (wait_us < 0)
		wait_us = 0;
	if (wait_us)
		u64_stats_inc(&st->emul_delayed);
	if (edunic_chance(READ_ONCE(emul->reorder_ppm))) {
		/* Held back, so the frames sent after it overtake it. */
		wait_us += EDUNIC_REORDER_HOLD_US;
		u64_stats_inc(&st->emul_reordered);
	}
	frame->arrival = ktime_add_us(sent, wait_us);

	if (edunic_chance(READ_ONCE(emul->duplicate_ppm))) {
		struct edunic_frame *copy;

		copy = kmemdup(frame, struct_size(frame, data, wire_len),
			       GFP_ATOMIC);
		if (copy) {
			edunic_wire_insert(&priv->wire, copy);
			u64_stats_inc(&st->emul_duplicated);
		}
	}
	u64_stats_update_end(&st->syncp);
	edunic_wire_insert(&priv->wire, frame);
}

/*
 * The receiving MAC: a frame whose FCS does not match its bytes was damaged
 * on the wire. It is counted and dropped before any DMA, as on real NICs.
 */
static noinline bool edunic_mac_receive(struct edunic_priv *peer,
			       const struct edunic_frame *frame)
{
	u32 fcs = get_unaligned_le32(frame->data + frame->len);

	if (fcs != edunic_fcs(frame->data, frame->len)) {
		u64_stats_update_begin(&peer->rx_hw_stats.syncp);
		u64_stats_inc(&peer->rx_hw_stats.crc_errors);
		u64_stats_update_end(&peer->rx_hw_stats.syncp);
		return true;
	}
	return edunic_dma_to_peer(peer, frame);
}

/* Hand every frame whose arrival time has come to the other NIC. */
static noinline void edunic_wire_deliver_due(struct edunic_priv *priv, ktime_t now)
{
	struct edunic_wire *wire = &priv->wire;
	struct edunic_frame *frame, *tmp;
	struct net_device *peer_dev;
	u32 no_link = 0;

	rcu_read_lock();
	peer_dev = rcu_dereference(priv->peer);
	list_for_each_entry_safe(frame, tmp, &wire->in_flight, list) {
		if (ktime_after(frame->arrival, now))
			break;
		list_del(&frame->list);
		wire->frames--;
		if (!peer_dev || !edunic_mac_receive(netdev_priv(peer_dev), frame))
			no_link++;
		kfree(frame);
	}
	rcu_read_unlock();

	if (no_link) {
		u64_stats_update_begin(&priv->tx_stats.syncp);
		u64_stats_add(&priv->tx_stats.no_link, no_link);
		u64_stats_update_end(&priv->tx_stats.syncp);
	}
}

/*
 * The transmit engine. Called with hw_lock held, from the doorbell in
 * edunic_xmit() or from hw_timer. Sends what the link rate allows, delivers
 * what has arrived, raises the TX-completion interrupt, and arms hw_timer
 * for the next thing that will happen.
 */
void edunic_hw_tx_run(struct edunic_priv *priv)
{
	u32 rate_kbit = READ_ONCE(priv->emul.rate_kbit);
	struct edunic_tx_ring *tx = &priv->tx;
	struct edunic_wire *wire = &priv->wire;
	struct edunic_tx_stats *st = &priv->tx_stats;
	ktime_t next = KTIME_MAX;
	ktime_t now = ktime_get();
	bool sent = false;

	if (!priv->hw_running)
		return;

	while (tx->next_to_send != tx->next_to_use) {
		struct edunic_frame *frame, *tmp;
		struct edunic_tx_desc *desc;
		LIST_HEAD(frames);
		int n;

		if (rate_kbit && ktime_after(wire->free_at, now)) {
			/* Still serialising the previous frame. */
			next = wire->free_at;
			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->rate_waits);
			u64_stats_update_end(&st->syncp);
			break;
		}
		if (wire->frames >= EDUNIC_WIRE_MAX_FRAMES) {
			/* Resumes when hw_timer delivers the oldest frame. */
			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->wire_full);
			u64_stats_update_end(&st->syncp);
			break;
		}

		desc = &tx->desc[tx->next_to_send % tx->size];
		n = edunic_dma_from_host(desc, &frames);
		trace_edunic_dma_tx(priv->dev, tx->next_to_send % tx->size,
				    desc->len, n);
		if (!n) {
			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->dma_errors);
			u64_stats_update_end(&st->syncp);
		}
		tx->next_to_send++;
		sent = true;

		/* A TSO descriptor yields many frames, sent back to back. */
		list_for_each_entry_safe(frame, tmp, &frames, list) {
			list_del(&frame->list);
			u64_stats_update_begin(&st->syncp);
			u64_stats_inc(&st->packets);
			u64_stats_add(&st->bytes, frame->len);
			u64_stats_update_end(&st->syncp);
			edunic_wire_send(priv, frame,
					 rate_kbit && ktime_after(wire->free_at, now) ?
					 wire->free_at : now, rate_kbit);
		}
	}

	edunic_wire_deliver_due(priv, now);

	if (sent)
		edunic_raise_irq(priv, EDUNIC_IRQ_TX);

	if (!list_empty(&wire->in_flight)) {
		struct edunic_frame *first;

		first = list_first_entry(&wire->in_flight, struct edunic_frame,
					 list);
		if (ktime_before(first->arrival, next))
			next = first->arrival;
	}
	if (next != KTIME_MAX)
		hrtimer_start(&priv->hw_timer, next, HRTIMER_MODE_ABS_SOFT);
}

static enum hrtimer_restart edunic_hw_timer_fn(struct hrtimer *timer)
{
	struct edunic_priv *priv = container_of(timer, struct edunic_priv,
						hw_timer);

	spin_lock(&priv->hw_lock);
	edunic_hw_tx_run(priv);
	spin_unlock(&priv->hw_lock);
	return HRTIMER_NORESTART;
}

void edunic_hw_init(struct edunic_priv *priv)
{
	spin_lock_init(&priv->hw_lock);
	INIT_LIST_HEAD(&priv->wire.in_flight);
	hrtimer_init(&priv->hw_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	priv->hw_timer.function = edunic_hw_timer_fn;
}

void edunic_hw_start(struct edunic_priv *priv)
{
	spin_lock_bh(&priv->hw_lock);
	priv->wire.free_at = 0;
	priv->hw_running = true;
	spin_unlock_bh(&priv->hw_lock);
}

/* Stop the transmitter; frames still on the wire are lost with the link. */
void edunic_hw_stop(struct edunic_priv *priv)
{
	struct edunic_frame *frame, *tmp;

	spin_lock_bh(&priv->hw_lock);
	priv->hw_running = false;
	spin_unlock_bh(&priv->hw_lock);

	hrtimer_cancel(&priv->hw_timer);

	spin_lock_bh(&priv->hw_lock);
	list_for_each_entry_safe(frame, tmp, &priv->wire.in_flight, list) {
		list_del(&frame->list);
		kfree(frame);
	}
	priv->wire.frames = 0;
	spin_unlock_bh(&priv->hw_lock);
}
