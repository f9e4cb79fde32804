// SPDX-License-Identifier: GPL-2.0
/*
 * The edunic interrupt and its NAPI poll.
 *
 * A real NIC signals "frames arrived" or "transmissions done" by raising
 * an interrupt. Taking one interrupt per frame would drown the CPU, so:
 *
 * 1. Coalescing (ethtool -C rx-usecs N rx-frames M): the NIC waits up to N
 *    microseconds after the first event, or until M frames arrived, before
 *    it interrupts (edunic_raise_irq, irq.timer).
 * 2. NAPI: the handler (edunic_irq_handler) only masks the interrupt and
 *    schedules NAPI. The poll (edunic_napi_poll) then runs in softirq
 *    context, reclaims finished TX descriptors, and passes at most "budget"
 *    received frames up the stack. When the ring is empty it calls
 *    napi_complete_done() and unmasks; frames that arrived in between are
 *    found through the cause bits, so none waits for an interrupt that
 *    never comes.
 */
#include <linux/etherdevice.h>

#include "edunic.h"
#include "edunic_trace.h"

/* The interrupt handler. Called with irq.lock held. */
static noinline void edunic_irq_handler(struct edunic_priv *priv)
{
	trace_edunic_irq(priv->dev, priv->irq.cause, priv->irq.pending_rx);
	priv->irq.masked = true;
	priv->irq.pending_rx = 0;
	u64_stats_update_begin(&priv->irq_stats.syncp);
	u64_stats_inc(&priv->irq_stats.interrupts);
	u64_stats_update_end(&priv->irq_stats.syncp);
	napi_schedule(&priv->napi);
}

/* Is an interrupt due now, later (coalescing timer), or not at all? */
static void edunic_irq_evaluate(struct edunic_priv *priv)
{
	struct edunic_irq *irq = &priv->irq;

	if (irq->masked || !irq->cause)
		return;
	if (!irq->rx_usecs ||
	    (irq->rx_frames && irq->pending_rx >= irq->rx_frames)) {
		hrtimer_try_to_cancel(&irq->timer);
		edunic_irq_handler(priv);
		return;
	}
	if (!hrtimer_is_queued(&irq->timer))
		hrtimer_start(&irq->timer, ns_to_ktime((u64)irq->rx_usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_SOFT);
}

/* The NIC sets a cause bit: EDUNIC_IRQ_RX from the RX DMA, _TX when sent. */
void edunic_raise_irq(struct edunic_priv *priv, u32 cause)
{
	struct edunic_irq *irq = &priv->irq;

	spin_lock(&irq->lock);
	irq->cause |= cause;
	if (cause & EDUNIC_IRQ_RX)
		irq->pending_rx++;
	edunic_irq_evaluate(priv);
	spin_unlock(&irq->lock);
}

/* rx-usecs elapsed since the first event: interrupt now. */
static enum hrtimer_restart edunic_irq_timer_fn(struct hrtimer *timer)
{
	struct edunic_priv *priv = container_of(timer, struct edunic_priv,
						irq.timer);
	struct edunic_irq *irq = &priv->irq;

	spin_lock(&irq->lock);
	if (!irq->masked && irq->cause) {
		u64_stats_update_begin(&priv->irq_stats.syncp);
		u64_stats_inc(&priv->irq_stats.coalesce_timer);
		u64_stats_update_end(&priv->irq_stats.syncp);
		edunic_irq_handler(priv);
	}
	spin_unlock(&irq->lock);
	return HRTIMER_NORESTART;
}

void edunic_irq_init(struct edunic_priv *priv)
{
	spin_lock_init(&priv->irq.lock);
	priv->irq.rx_usecs = EDUNIC_COALESCE_USECS_DEFAULT;
	priv->irq.rx_frames = EDUNIC_COALESCE_FRAMES_DEFAULT;
	hrtimer_init(&priv->irq.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	priv->irq.timer.function = edunic_irq_timer_fn;
}

/* At open: nothing pending, interrupt enabled. */
void edunic_irq_start(struct edunic_priv *priv)
{
	spin_lock_bh(&priv->irq.lock);
	priv->irq.masked = false;
	priv->irq.cause = 0;
	priv->irq.pending_rx = 0;
	spin_unlock_bh(&priv->irq.lock);
}

/* At stop, once the peer can no longer raise it. */
void edunic_irq_stop(struct edunic_priv *priv)
{
	spin_lock_bh(&priv->irq.lock);
	priv->irq.masked = true;
	spin_unlock_bh(&priv->irq.lock);
	hrtimer_cancel(&priv->irq.timer);
}

/*
 * The received frame becomes an sk_buff without a copy: the RX buffer was
 * allocated with room for the headroom and skb_shared_info, so build_skb
 * can wrap it. The descriptor's checksum flag is trusted only when
 * rx-checksumming is on.
 */
static noinline void edunic_rx_to_stack(struct edunic_priv *priv, void *buf, u16 len,
			       u8 status)
{
	struct net_device *dev = priv->dev;
	struct edunic_napi_stats *st = &priv->napi_stats;
	struct sk_buff *skb;
	bool csum_ok;

	skb = napi_build_skb(buf, EDUNIC_RX_TRUESIZE);
	if (unlikely(!skb)) {
		skb_free_frag(buf);
		dev_core_stats_rx_dropped_inc(dev);
		u64_stats_update_begin(&st->syncp);
		u64_stats_inc(&st->alloc_failed);
		u64_stats_update_end(&st->syncp);
		return;
	}
	skb_reserve(skb, EDUNIC_RX_HEADROOM);
	skb_put(skb, len);
	skb->protocol = eth_type_trans(skb, dev);

	/*
	 * The sending NIC computed the TCP/UDP checksum and the FCS check
	 * proved the bytes did not change since: the checksum is right, and
	 * the stack need not sum the payload again.
	 */
	csum_ok = (status & EDUNIC_DESC_CSUM_BY_NIC) &&
		  (dev->features & NETIF_F_RXCSUM);
	if (csum_ok)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->packets);
	u64_stats_add(&st->bytes, len);
	if (csum_ok)
		u64_stats_inc(&st->csum_unnecessary);
	u64_stats_update_end(&st->syncp);

	trace_edunic_rx_skb(skb, csum_ok);
	napi_gro_receive(&priv->napi, skb);
}

static noinline int edunic_rx_poll(struct edunic_priv *priv,
			  struct edunic_rx_ring *ring, int budget)
{
	int done = 0;

	while (done < budget) {
		struct edunic_rx_desc *desc;
		void *buf;
		u16 len;
		u8 status;

		spin_lock(&ring->lock);
		desc = &ring->desc[ring->next_to_clean % ring->size];
		status = desc->status;
		if (!(status & EDUNIC_RXD_DONE)) {
			spin_unlock(&ring->lock);
			break;
		}
		buf = desc->buf;
		len = desc->len;
		desc->buf = NULL;
		desc->status = 0;
		ring->next_to_clean++;
		spin_unlock(&ring->lock);

		edunic_rx_to_stack(priv, buf, len, status);
		done++;
	}

	if (!edunic_rx_ring_refill(ring)) {
		u64_stats_update_begin(&priv->napi_stats.syncp);
		u64_stats_inc(&priv->napi_stats.alloc_failed);
		u64_stats_update_end(&priv->napi_stats.syncp);
		return budget;	/* poll again to retry the refill */
	}
	return done;
}

/* Unmask; re-raise at once if events came while NAPI ran. */
static noinline void edunic_irq_unmask(struct edunic_priv *priv)
{
	spin_lock(&priv->irq.lock);
	priv->irq.masked = false;
	edunic_irq_evaluate(priv);
	spin_unlock(&priv->irq.lock);
}

int edunic_napi_poll(struct napi_struct *napi, int budget)
{
	struct edunic_priv *priv = container_of(napi, struct edunic_priv, napi);
	struct edunic_napi_stats *st = &priv->napi_stats;
	struct edunic_rx_ring *ring;
	int tx_done, done = 0;

	/* Read-to-clear the cause register: what comes later sets it again. */
	spin_lock(&priv->irq.lock);
	priv->irq.cause = 0;
	spin_unlock(&priv->irq.lock);

	tx_done = edunic_tx_clean(priv, budget);

	rcu_read_lock();
	ring = rcu_dereference(priv->rx_ring);
	if (ring)
		done = edunic_rx_poll(priv, ring, budget);
	rcu_read_unlock();

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->polls);
	u64_stats_add(&st->tx_completed, tx_done);
	if (done >= budget)
		u64_stats_inc(&st->budget_exhausted);
	u64_stats_update_end(&st->syncp);
	trace_edunic_napi_poll(priv->dev, tx_done, done, budget);

	if (done < budget && napi_complete_done(napi, done))
		edunic_irq_unmask(priv);
	return done;
}
