// SPDX-License-Identifier: GPL-2.0
/*
 * edunic descriptor rings and the simulated DMA that moves frames between
 * host memory (sk_buffs, RX buffers) and the NIC.
 *
 * TX: the driver posts an skb on the ring (edunic_xmit), the transmitter
 * copies it out of host memory (edunic_dma_from_host), and NAPI later frees
 * the skb (edunic_tx_clean). The ring holds the skb until then, exactly as
 * a real NIC needs the memory to stay put until its DMA has read it.
 *
 * RX: the driver pre-posts empty buffers; the NIC copies each arriving frame
 * into the next one (edunic_dma_to_peer) and marks the descriptor done.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "edunic.h"
#include "edunic_trace.h"

int edunic_tx_ring_alloc(struct edunic_priv *priv)
{
	struct edunic_tx_ring *tx = &priv->tx;

	tx->desc = kvcalloc(priv->tx_ring_size, sizeof(*tx->desc), GFP_KERNEL);
	if (!tx->desc)
		return -ENOMEM;
	tx->size = priv->tx_ring_size;
	tx->next_to_use = 0;
	tx->next_to_send = 0;
	tx->next_to_clean = 0;
	netdev_reset_queue(priv->dev);
	return 0;
}

/* The device is stopped: free what the hardware never sent or completed. */
void edunic_tx_ring_free(struct edunic_priv *priv)
{
	struct edunic_tx_ring *tx = &priv->tx;

	if (!tx->desc)
		return;
	for (; tx->next_to_clean != tx->next_to_use; tx->next_to_clean++)
		dev_kfree_skb_any(tx->desc[tx->next_to_clean % tx->size].skb);
	netdev_reset_queue(priv->dev);
	kvfree(tx->desc);
	tx->desc = NULL;
}

struct edunic_rx_ring *edunic_rx_ring_alloc(u32 size)
{
	struct edunic_rx_ring *ring;
	u32 i;

	ring = kvzalloc(struct_size(ring, desc, size), GFP_KERNEL);
	if (!ring)
		return NULL;
	spin_lock_init(&ring->lock);
	ring->size = size;
	for (i = 0; i < size; i++) {
		ring->desc[i].buf = netdev_alloc_frag(EDUNIC_RX_TRUESIZE);
		if (!ring->desc[i].buf) {
			edunic_rx_ring_free(ring);
			return NULL;
		}
	}
	return ring;
}

/* Called once neither the peer's transmitter nor NAPI can see the ring. */
void edunic_rx_ring_free(struct edunic_rx_ring *ring)
{
	u32 i;

	if (!ring)
		return;
	for (i = 0; i < ring->size; i++)
		if (ring->desc[i].buf)
			skb_free_frag(ring->desc[i].buf);
	kvfree(ring);
}

/*
 * Give fresh buffers to the slots NAPI emptied. Returns false when memory
 * ran out, so that NAPI polls again instead of leaving the ring short.
 */
bool edunic_rx_ring_refill(struct edunic_rx_ring *ring)
{
	while (ring->next_to_fill != ring->next_to_clean) {
		struct edunic_rx_desc *desc;
		void *buf = napi_alloc_frag(EDUNIC_RX_TRUESIZE);

		if (!buf)
			return false;
		spin_lock(&ring->lock);
		desc = &ring->desc[ring->next_to_fill % ring->size];
		desc->buf = buf;
		ring->next_to_fill++;
		spin_unlock(&ring->lock);
	}
	return true;
}

/* ndo_start_xmit: post the frame on the TX ring and ring the doorbell. */
netdev_tx_t edunic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct edunic_tx_ring *tx = &priv->tx;
	struct edunic_tx_desc *desc;
	u8 flags = 0;

	if (unlikely((skb->len > EDUNIC_MAX_FRAME && !skb_is_gso(skb)) ||
		     !tx->desc))
		goto drop;

	/*
	 * With tx-checksumming on, the stack leaves the TCP/UDP checksum to
	 * the NIC (CHECKSUM_PARTIAL). A real NIC sums the bytes while its DMA
	 * reads them; this one does the same sum here and says so in the
	 * descriptor, so the receiver knows the checksum was made by hardware.
	 * A TSO segment gets its checksums when it is cut into frames.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL && !skb_is_gso(skb)) {
		if (skb_checksum_help(skb))
			goto drop;
		flags |= EDUNIC_DESC_CSUM_BY_NIC;
	}

	spin_lock(&priv->hw_lock);
	if (unlikely(edunic_ring_used(tx) >= tx->size)) {
		/* The queue stops before the ring is full; be safe anyway. */
		netif_stop_queue(dev);
		spin_unlock(&priv->hw_lock);
		return NETDEV_TX_BUSY;
	}
	desc = &tx->desc[tx->next_to_use % tx->size];
	desc->skb = skb;
	desc->len = skb->len;
	desc->flags = flags;
	trace_edunic_xmit(dev, tx->next_to_use % tx->size, skb->len,
			  flags & EDUNIC_DESC_CSUM_BY_NIC,
			  edunic_ring_used(tx) + 1);
	tx->next_to_use++;
	netdev_sent_queue(dev, skb->len);
	skb_tx_timestamp(skb);

	if (edunic_ring_used(tx) >= tx->size) {
		trace_edunic_tx_ring_full(dev, tx->size);
		netif_stop_queue(dev);
		u64_stats_update_begin(&priv->tx_stats.syncp);
		u64_stats_inc(&priv->tx_stats.ring_full);
		u64_stats_update_end(&priv->tx_stats.syncp);
	}

	/*
	 * Writing the doorbell register is costly on real hardware, so
	 * drivers write it once per batch: when the stack says no more frames
	 * follow (xmit_more), or when the queue just stopped.
	 */
	if (!netdev_xmit_more() ||
	    netif_xmit_stopped(netdev_get_tx_queue(dev, 0)))
		edunic_hw_tx_run(priv);
	spin_unlock(&priv->hw_lock);
	return NETDEV_TX_OK;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/*
 * TX DMA: read the frame out of the skb into the NIC's transmit FIFO.
 * The skb may be scattered over pages (NETIF_F_SG); the copy gathers it.
 * Ethernet frames are at least 60 bytes before the FCS, so the MAC pads.
 */
static struct edunic_frame *edunic_frame_from_skb(const struct sk_buff *skb,
						  u8 flags)
{
	u32 len = max_t(u32, skb->len, ETH_ZLEN);
	struct edunic_frame *frame;

	frame = kmalloc(struct_size(frame, data, len + ETH_FCS_LEN),
			GFP_ATOMIC);
	if (!frame)
		return NULL;
	if (skb_copy_bits(skb, 0, frame->data, skb->len)) {
		kfree(frame);
		return NULL;
	}
	memset(frame->data + skb->len, 0, len - skb->len);
	frame->len = len;
	frame->flags = flags;
	return frame;
}

/*
 * TCP segmentation offload: the stack hands over one TCP segment of up to
 * 64 KB and the NIC cuts it into frames that fit the MTU, each with its own
 * IP and TCP headers and checksums. skb_gso_segment() does the cutting,
 * as a NIC's firmware would; it is asked for complete checksums, so every
 * frame carries one made by the "NIC".
 */
static int edunic_tso_segment(const struct edunic_tx_desc *desc,
			      struct list_head *frames)
{
	struct sk_buff *segs, *seg, *next;
	int n = 0;

	segs = skb_gso_segment(desc->skb, NETIF_F_SG);
	if (IS_ERR_OR_NULL(segs))
		return 0;
	skb_list_walk_safe(segs, seg, next) {
		struct edunic_frame *frame = NULL;

		skb_mark_not_on_list(seg);
		if (seg->ip_summed != CHECKSUM_PARTIAL ||
		    !skb_checksum_help(seg))
			frame = edunic_frame_from_skb(seg,
						      EDUNIC_DESC_CSUM_BY_NIC);
		if (frame) {
			list_add_tail(&frame->list, frames);
			n++;
		}
		dev_consume_skb_any(seg);
	}
	return n;
}

/* The frames of one descriptor, appended to @frames; returns how many. */
int edunic_dma_from_host(const struct edunic_tx_desc *desc,
			 struct list_head *frames)
{
	struct edunic_frame *frame;

	if (skb_is_gso(desc->skb))
		return edunic_tso_segment(desc, frames);
	frame = edunic_frame_from_skb(desc->skb, desc->flags);
	if (!frame)
		return 0;
	list_add_tail(&frame->list, frames);
	return 1;
}

/*
 * RX DMA on the receiving NIC: copy the frame into the next pre-posted
 * buffer and hand the descriptor to the driver. No buffer means the driver
 * is not keeping up: the frame is dropped and counted, never queued.
 * Runs under the sending device's hw_lock, inside rcu_read_lock().
 * Returns false if the receiving device is down.
 */
bool edunic_dma_to_peer(struct edunic_priv *peer,
			const struct edunic_frame *frame)
{
	struct edunic_rx_ring *ring = rcu_dereference(peer->rx_ring);
	struct edunic_rx_desc *desc;
	bool missed;
	u32 slot;

	if (!ring)
		return false;

	spin_lock(&ring->lock);
	slot = ring->next_to_use % ring->size;
	desc = &ring->desc[slot];
	missed = !desc->buf || (desc->status & EDUNIC_RXD_DONE);
	if (!missed) {
		memcpy(desc->buf + EDUNIC_RX_HEADROOM, frame->data, frame->len);
		desc->len = frame->len;
		desc->status = EDUNIC_RXD_DONE |
			       (frame->flags & EDUNIC_DESC_CSUM_BY_NIC);
		ring->next_to_use++;
	}
	spin_unlock(&ring->lock);

	u64_stats_update_begin(&peer->rx_hw_stats.syncp);
	if (missed)
		u64_stats_inc(&peer->rx_hw_stats.missed);
	else
		u64_stats_inc(&peer->rx_hw_stats.frames);
	u64_stats_update_end(&peer->rx_hw_stats.syncp);

	if (missed) {
		trace_edunic_rx_missed(peer->dev, slot, frame->len);
		return true;
	}
	trace_edunic_dma_rx(peer->dev, slot, frame->len,
			    frame->flags & EDUNIC_DESC_CSUM_BY_NIC);
	edunic_raise_irq(peer, EDUNIC_IRQ_RX);
	return true;
}

/*
 * TX completion, from NAPI: the hardware is done with these skbs. Report
 * them to byte queue limits and wake the queue once there is room again.
 */
int edunic_tx_clean(struct edunic_priv *priv, int budget)
{
	struct edunic_tx_ring *tx = &priv->tx;
	unsigned int pkts = 0, bytes = 0;

	spin_lock(&priv->hw_lock);
	while (tx->next_to_clean != tx->next_to_send) {
		struct edunic_tx_desc *desc;

		desc = &tx->desc[tx->next_to_clean % tx->size];
		bytes += desc->len;
		pkts++;
		napi_consume_skb(desc->skb, budget);
		desc->skb = NULL;
		tx->next_to_clean++;
	}
	if (pkts) {
		trace_edunic_tx_done(priv->dev, pkts, bytes);
		netdev_completed_queue(priv->dev, pkts, bytes);
		/* Wake with a quarter of the ring free, not at every slot. */
		if (netif_queue_stopped(priv->dev) &&
		    edunic_ring_used(tx) <= tx->size - tx->size / 4)
			netif_wake_queue(priv->dev);
	}
	spin_unlock(&priv->hw_lock);
	return pkts;
}
