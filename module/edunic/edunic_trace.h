/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the edunic driver and its emulated hardware, system
 * "edunic": a frame posted on the TX ring, each DMA, each interrupt,
 * each NAPI poll, each frame handed to the stack, and the two ways a
 * ring runs out (TX ring full, RX frame missed).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edunic

#if !defined(_EDUNIC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDUNIC_TRACE_H

#include <linux/tracepoint.h>
#include <linux/netdevice.h>
#include "edunic.h"

#define show_edunic_cause(c)					\
	__print_flags(c, "|",					\
		{ EDUNIC_IRQ_RX, "RX" },			\
		{ EDUNIC_IRQ_TX, "TX" })

/* ndo_start_xmit posted @skb in TX ring slot @slot. */
TRACE_EVENT(edunic_xmit,
	TP_PROTO(const struct net_device *dev, u32 slot, unsigned int len,
		 bool csum_by_nic, u32 used),
	TP_ARGS(dev, slot, len, csum_by_nic, used),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, slot)
		__field(__u32, len)
		__field(bool, csum_by_nic)
		__field(__u32, used)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->slot = slot;
		__entry->len = len;
		__entry->csum_by_nic = csum_by_nic;
		__entry->used = used;
	),
	TP_printk("dev=%s slot=%u len=%u l4csum=%s ring_used=%u",
		  __get_str(dev), __entry->slot, __entry->len,
		  __entry->csum_by_nic ? "nic" : "stack", __entry->used)
);

/* The TX ring is full: the driver stopped the queue. */
TRACE_EVENT(edunic_tx_ring_full,
	TP_PROTO(const struct net_device *dev, u32 size),
	TP_ARGS(dev, size),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, size)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->size = size;
	),
	TP_printk("dev=%s ring_size=%u queue stopped", __get_str(dev),
		  __entry->size)
);

/* TX DMA read slot @slot out of host memory: @frames frames (TSO: more). */
TRACE_EVENT(edunic_dma_tx,
	TP_PROTO(const struct net_device *dev, u32 slot, unsigned int len,
		 int frames),
	TP_ARGS(dev, slot, len, frames),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, slot)
		__field(__u32, len)
		__field(int, frames)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->slot = slot;
		__entry->len = len;
		__entry->frames = frames;
	),
	TP_printk("dev=%s slot=%u len=%u frames=%d", __get_str(dev),
		  __entry->slot, __entry->len, __entry->frames)
);

/* RX DMA wrote a frame (FCS checked) into RX ring slot @slot. */
TRACE_EVENT(edunic_dma_rx,
	TP_PROTO(const struct net_device *dev, u32 slot, unsigned int len,
		 bool csum_by_nic),
	TP_ARGS(dev, slot, len, csum_by_nic),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, slot)
		__field(__u32, len)
		__field(bool, csum_by_nic)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->slot = slot;
		__entry->len = len;
		__entry->csum_by_nic = csum_by_nic;
	),
	TP_printk("dev=%s slot=%u len=%u l4csum=%s", __get_str(dev),
		  __entry->slot, __entry->len,
		  __entry->csum_by_nic ? "nic" : "stack")
);

/* No posted RX buffer at @slot: the frame is lost (rx_missed). */
TRACE_EVENT(edunic_rx_missed,
	TP_PROTO(const struct net_device *dev, u32 slot, unsigned int len),
	TP_ARGS(dev, slot, len),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, slot)
		__field(__u32, len)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->slot = slot;
		__entry->len = len;
	),
	TP_printk("dev=%s slot=%u len=%u ring full, frame dropped",
		  __get_str(dev), __entry->slot, __entry->len)
);

/* The interrupt fires (after coalescing) with these cause bits. */
TRACE_EVENT(edunic_irq,
	TP_PROTO(const struct net_device *dev, u32 cause, u32 pending_rx),
	TP_ARGS(dev, cause, pending_rx),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, cause)
		__field(__u32, pending_rx)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->cause = cause;
		__entry->pending_rx = pending_rx;
	),
	TP_printk("dev=%s cause=%s rx_frames=%u", __get_str(dev),
		  show_edunic_cause(__entry->cause), __entry->pending_rx)
);

/* One NAPI poll: TX descriptors reclaimed, RX frames passed up, budget. */
TRACE_EVENT(edunic_napi_poll,
	TP_PROTO(const struct net_device *dev, int tx_done, int work,
		 int budget),
	TP_ARGS(dev, tx_done, work, budget),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(int, tx_done)
		__field(int, work)
		__field(int, budget)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->tx_done = tx_done;
		__entry->work = work;
		__entry->budget = budget;
	),
	TP_printk("dev=%s tx_done=%d work=%d budget=%d", __get_str(dev),
		  __entry->tx_done, __entry->work, __entry->budget)
);

/* TX completion: the hardware is done with @pkts skbs; they are freed. */
TRACE_EVENT(edunic_tx_done,
	TP_PROTO(const struct net_device *dev, unsigned int pkts,
		 unsigned int bytes),
	TP_ARGS(dev, pkts, bytes),
	TP_STRUCT__entry(
		__string(dev, dev->name)
		__field(__u32, pkts)
		__field(__u32, bytes)
	),
	TP_fast_assign(
		__assign_str(dev, dev->name);
		__entry->pkts = pkts;
		__entry->bytes = bytes;
	),
	TP_printk("dev=%s pkts=%u bytes=%u", __get_str(dev), __entry->pkts,
		  __entry->bytes)
);

/* A received frame, now an sk_buff, goes to GRO and the stack. */
TRACE_EVENT(edunic_rx_skb,
	TP_PROTO(const struct sk_buff *skb, bool csum_unnecessary),
	TP_ARGS(skb, csum_unnecessary),
	TP_STRUCT__entry(
		__string(dev, skb->dev->name)
		__field(__u32, len)
		__field(__u16, protocol)
		__field(bool, csum_unnecessary)
	),
	TP_fast_assign(
		__assign_str(dev, skb->dev->name);
		__entry->len = skb->len;
		__entry->protocol = ntohs(skb->protocol);
		__entry->csum_unnecessary = csum_unnecessary;
	),
	TP_printk("dev=%s len=%u protocol=0x%04x ip_summed=%s",
		  __get_str(dev), __entry->len, __entry->protocol,
		  __entry->csum_unnecessary ? "UNNECESSARY" : "NONE")
);

#endif /* _EDUNIC_TRACE_H */

/* Out of tree: this directory is on the include path (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE edunic_trace
#include <trace/define_trace.h>
