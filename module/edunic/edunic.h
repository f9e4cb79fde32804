/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edunic: a pair of virtual Ethernet NICs joined by an emulated wire.
 *
 * The private header shared by the driver's files. A frame travels:
 *
 *   edunic_xmit()            driver posts the skb on the TX ring   (edunic_ring.c)
 *   edunic_hw_tx_run()       "hardware" transmitter                (edunic_wire.c)
 *     edunic_dma_from_host()   copies the frame out of the skb (TSO: frames)
 *     edunic_wire_send()       appends the FCS, applies loss/dup/...
 *   edunic_wire_deliver_due() the frame reaches the other end      (edunic_wire.c)
 *     edunic_mac_receive()     receiving MAC checks the FCS
 *     edunic_dma_to_peer()     copies it into a pre-posted RX buffer (edunic_ring.c)
 *     edunic_raise_irq()       interrupt, after coalescing         (edunic_napi.c)
 *   edunic_napi_poll()       TX completions, then RX within budget  (edunic_napi.c)
 *     edunic_rx_to_stack()     build_skb, eth_type_trans, GRO
 *
 * The static functions on this path are marked noinline so that ftrace
 * (set_ftrace_filter 'edunic_*') shows every step of it.
 */
#ifndef _EDUNIC_H
#define _EDUNIC_H

#include <linux/netdevice.h>
#include <linux/hrtimer.h>
#include <linux/skbuff.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/u64_stats_sync.h>

#define EDUNIC_DRV_NAME		"edunic"

#define EDUNIC_RING_DEFAULT	256
#define EDUNIC_RING_MIN		8
#define EDUNIC_RING_MAX		4096

/* RX buffers are sized once, for the largest frame: MTU + VLAN header. */
#define EDUNIC_MAX_MTU		ETH_DATA_LEN
#define EDUNIC_MAX_FRAME	(VLAN_ETH_HLEN + EDUNIC_MAX_MTU)
#define EDUNIC_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define EDUNIC_RX_TRUESIZE	(SKB_DATA_ALIGN(EDUNIC_RX_HEADROOM + EDUNIC_MAX_FRAME) + \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

/* Frames the wire may hold at once; past it the transmitter waits. */
#define EDUNIC_WIRE_MAX_FRAMES	4096
/* A reordered frame stays on the wire this much longer than the others. */
#define EDUNIC_REORDER_HOLD_US	1000

/* Interrupt coalescing limits (ethtool -C rx-usecs / rx-frames). */
#define EDUNIC_COALESCE_USECS_MAX	100000
#define EDUNIC_COALESCE_USECS_DEFAULT	0
#define EDUNIC_COALESCE_FRAMES_DEFAULT	1

/* Descriptor flags. */
#define EDUNIC_DESC_CSUM_BY_NIC	BIT(0)	/* L4 checksum computed by the sending NIC */
#define EDUNIC_RXD_DONE		BIT(1)	/* RX slot holds a frame for the driver */

/* Interrupt causes, as a real NIC's cause register would report them. */
#define EDUNIC_IRQ_RX		BIT(0)
#define EDUNIC_IRQ_TX		BIT(1)

struct edunic_tx_desc {
	struct sk_buff	*skb;
	u32		len;		/* skb->len, for byte queue limits */
	u8		flags;
};

/*
 * Three free-running indices split the TX ring into
 * [clean, send): sent by the hardware, waiting for the driver to reclaim,
 * [send, use): posted by the driver, waiting for the hardware.
 */
struct edunic_tx_ring {
	struct edunic_tx_desc	*desc;
	u32			size;
	u32			next_to_use;
	u32			next_to_send;
	u32			next_to_clean;
};

struct edunic_rx_desc {
	void		*buf;		/* EDUNIC_RX_TRUESIZE bytes, or NULL */
	u16		len;
	u8		status;		/* EDUNIC_RXD_DONE | EDUNIC_DESC_CSUM_BY_NIC */
};

/*
 * The hardware writes at next_to_use, NAPI reads at next_to_clean and gives
 * a fresh buffer back at next_to_fill. A slot without a buffer, or whose
 * frame the driver has not taken yet, means the ring is full: the frame is
 * dropped and counted as rx_missed, as a real NIC does.
 */
struct edunic_rx_ring {
	spinlock_t		lock;
	u32			size;
	u32			next_to_use;
	u32			next_to_clean;
	u32			next_to_fill;
	struct edunic_rx_desc	desc[];
};

/* A frame on the wire: what left the sender's MAC, FCS included. */
struct edunic_frame {
	struct list_head	list;
	ktime_t			arrival;
	u32			len;		/* bytes before the FCS */
	u8			flags;
	u8			data[];		/* len bytes, then ETH_FCS_LEN */
};

struct edunic_wire {
	struct list_head	in_flight;	/* sorted by arrival time */
	u32			frames;
	ktime_t			free_at;	/* transmitter busy until then */
};

/* Link emulation of the frames this device sends (IFLA_EDUNIC_*). */
struct edunic_emul {
	u32	rate_kbit;
	u32	delay_us;
	u32	jitter_us;
	u32	loss_ppm;
	u32	duplicate_ppm;
	u32	reorder_ppm;
	u32	corrupt_ppm;
};

struct edunic_irq {
	spinlock_t	lock;
	bool		masked;		/* handler ran, NAPI not finished yet */
	u32		cause;		/* EDUNIC_IRQ_*, cleared when NAPI reads it */
	u32		pending_rx;	/* frames since the last interrupt */
	u32		rx_usecs;	/* coalescing: wait this long ... */
	u32		rx_frames;	/* ... unless this many frames arrived */
	struct hrtimer	timer;
};

/* Counters, grouped by the lock or context that writes them. */
struct edunic_tx_stats {		/* under hw_lock */
	struct u64_stats_sync	syncp;
	u64_stats_t	packets;
	u64_stats_t	bytes;
	u64_stats_t	ring_full;
	u64_stats_t	rate_waits;
	u64_stats_t	wire_full;
	u64_stats_t	no_link;
	u64_stats_t	dma_errors;
	u64_stats_t	emul_delayed;
	u64_stats_t	emul_lost;
	u64_stats_t	emul_duplicated;
	u64_stats_t	emul_reordered;
	u64_stats_t	emul_corrupted;
};

struct edunic_rx_hw_stats {		/* under the RX ring lock */
	struct u64_stats_sync	syncp;
	u64_stats_t	frames;
	u64_stats_t	crc_errors;
	u64_stats_t	length_errors;
	u64_stats_t	missed;
};

struct edunic_napi_stats {		/* in NAPI context */
	struct u64_stats_sync	syncp;
	u64_stats_t	packets;
	u64_stats_t	bytes;
	u64_stats_t	csum_unnecessary;
	u64_stats_t	alloc_failed;
	u64_stats_t	polls;
	u64_stats_t	budget_exhausted;
	u64_stats_t	tx_completed;
};

struct edunic_irq_stats {		/* under irq.lock */
	struct u64_stats_sync	syncp;
	u64_stats_t	interrupts;
	u64_stats_t	coalesce_timer;
};

struct edunic_priv {
	struct net_device __rcu	*peer;
	struct net_device	*dev;
	struct napi_struct	napi;
	bool			up;		/* rings allocated, NAPI enabled */

	/* The transmit side: TX ring, transmitter and wire, under hw_lock. */
	spinlock_t		hw_lock;
	bool			hw_running;
	struct edunic_tx_ring	tx;
	struct edunic_wire	wire;
	struct hrtimer		hw_timer;

	/* The receive side, written by the peer's transmitter. */
	struct edunic_rx_ring __rcu *rx_ring;

	u32			tx_ring_size;	/* ethtool -G, used at open */
	u32			rx_ring_size;

	struct edunic_irq	irq;
	struct edunic_emul	emul;

	struct edunic_tx_stats		tx_stats;
	struct edunic_rx_hw_stats	rx_hw_stats;
	struct edunic_napi_stats	napi_stats;
	struct edunic_irq_stats		irq_stats;
};

static inline u32 edunic_ring_used(const struct edunic_tx_ring *tx)
{
	return tx->next_to_use - tx->next_to_clean;
}

/* edunic_main.c */
int edunic_open(struct net_device *dev);
int edunic_stop(struct net_device *dev);

/* edunic_ring.c */
int edunic_tx_ring_alloc(struct edunic_priv *priv);
void edunic_tx_ring_free(struct edunic_priv *priv);
struct edunic_rx_ring *edunic_rx_ring_alloc(u32 size);
void edunic_rx_ring_free(struct edunic_rx_ring *ring);
netdev_tx_t edunic_xmit(struct sk_buff *skb, struct net_device *dev);
int edunic_dma_from_host(const struct edunic_tx_desc *desc,
			 struct list_head *frames);
bool edunic_dma_to_peer(struct edunic_priv *peer,
			const struct edunic_frame *frame);
int edunic_tx_clean(struct edunic_priv *priv, int budget);
bool edunic_rx_ring_refill(struct edunic_rx_ring *ring);

/* edunic_wire.c */
void edunic_hw_init(struct edunic_priv *priv);
void edunic_hw_start(struct edunic_priv *priv);
void edunic_hw_stop(struct edunic_priv *priv);
void edunic_hw_tx_run(struct edunic_priv *priv);
u32 edunic_fcs(const u8 *data, u32 len);

/* edunic_napi.c */
void edunic_irq_init(struct edunic_priv *priv);
void edunic_irq_start(struct edunic_priv *priv);
void edunic_irq_stop(struct edunic_priv *priv);
void edunic_raise_irq(struct edunic_priv *priv, u32 cause);
int edunic_napi_poll(struct napi_struct *napi, int budget);

/* edunic_ethtool.c */
extern const struct ethtool_ops edunic_ethtool_ops;
void edunic_stats_fold(struct edunic_priv *priv,
		       struct rtnl_link_stats64 *s);

#endif /* _EDUNIC_H */
