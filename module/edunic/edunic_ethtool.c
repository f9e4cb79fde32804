// SPDX-License-Identifier: GPL-2.0
/*
 * edunic ethtool operations: ring sizes (-g/-G), interrupt coalescing
 * (-c/-C), offloads (-k/-K, handled by the core through hw_features) and
 * the counters (-S), which are described by one table, as in veth.c.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "edunic.h"

struct edunic_stat_desc {
	char	name[ETH_GSTRING_LEN];
	u16	offset;		/* of the u64_stats_t in struct edunic_priv */
	u16	syncp;		/* of the group's u64_stats_sync */
};

#define EDUNIC_STAT(_name, _group, _field) {				\
	.name	= _name,						\
	.offset	= offsetof(struct edunic_priv, _group._field),		\
	.syncp	= offsetof(struct edunic_priv, _group.syncp),		\
}

static const struct edunic_stat_desc edunic_stats_desc[] = {
	/* transmitter (this device sending) */
	EDUNIC_STAT("tx_packets",		tx_stats, packets),
	EDUNIC_STAT("tx_bytes",			tx_stats, bytes),
	EDUNIC_STAT("tx_ring_full",		tx_stats, ring_full),
	EDUNIC_STAT("tx_completed",		napi_stats, tx_completed),
	EDUNIC_STAT("tx_rate_waits",		tx_stats, rate_waits),
	EDUNIC_STAT("tx_wire_full",		tx_stats, wire_full),
	EDUNIC_STAT("tx_no_link",		tx_stats, no_link),
	EDUNIC_STAT("tx_dma_errors",		tx_stats, dma_errors),
	/* link emulation, applied to the frames this device sends */
	EDUNIC_STAT("emul_delayed",		tx_stats, emul_delayed),
	EDUNIC_STAT("emul_lost",		tx_stats, emul_lost),
	EDUNIC_STAT("emul_duplicated",		tx_stats, emul_duplicated),
	EDUNIC_STAT("emul_reordered",		tx_stats, emul_reordered),
	EDUNIC_STAT("emul_corrupted",		tx_stats, emul_corrupted),
	/* receiving MAC and RX DMA */
	EDUNIC_STAT("rx_frames_dma",		rx_hw_stats, frames),
	EDUNIC_STAT("rx_crc_errors",		rx_hw_stats, crc_errors),
	EDUNIC_STAT("rx_missed",		rx_hw_stats, missed),
	/* interrupt and NAPI */
	EDUNIC_STAT("interrupts",		irq_stats, interrupts),
	EDUNIC_STAT("irq_coalesce_timer",	irq_stats, coalesce_timer),
	EDUNIC_STAT("napi_polls",		napi_stats, polls),
	EDUNIC_STAT("napi_budget_exhausted",	napi_stats, budget_exhausted),
	EDUNIC_STAT("rx_packets",		napi_stats, packets),
	EDUNIC_STAT("rx_bytes",			napi_stats, bytes),
	EDUNIC_STAT("rx_csum_unnecessary",	napi_stats, csum_unnecessary),
	EDUNIC_STAT("rx_alloc_failed",		napi_stats, alloc_failed),
};

#define EDUNIC_NUM_STATS	ARRAY_SIZE(edunic_stats_desc)

static u64 edunic_counter(const struct u64_stats_sync *syncp,
			  const u64_stats_t *counter)
{
	unsigned int start;
	u64 val;

	do {
		start = u64_stats_fetch_begin(syncp);
		val = u64_stats_read(counter);
	} while (u64_stats_fetch_retry(syncp, start));
	return val;
}

#define EDUNIC_READ(priv, group, field) \
	edunic_counter(&(priv)->group.syncp, &(priv)->group.field)

/* ndo_get_stats64: the standard counters `ip -s link` prints. */
void edunic_stats_fold(struct edunic_priv *priv, struct rtnl_link_stats64 *s)
{
	s->tx_packets = EDUNIC_READ(priv, tx_stats, packets);
	s->tx_bytes = EDUNIC_READ(priv, tx_stats, bytes);
	s->tx_dropped = EDUNIC_READ(priv, tx_stats, dma_errors);
	s->tx_carrier_errors = EDUNIC_READ(priv, tx_stats, no_link);
	s->tx_errors = s->tx_carrier_errors;
	s->rx_packets = EDUNIC_READ(priv, napi_stats, packets);
	s->rx_bytes = EDUNIC_READ(priv, napi_stats, bytes);
	s->rx_dropped = EDUNIC_READ(priv, napi_stats, alloc_failed);
	s->rx_crc_errors = EDUNIC_READ(priv, rx_hw_stats, crc_errors);
	s->rx_missed_errors = EDUNIC_READ(priv, rx_hw_stats, missed);
	s->rx_fifo_errors = s->rx_missed_errors;
	s->rx_errors = s->rx_crc_errors + s->rx_missed_errors;
}

static void edunic_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, EDUNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "virtual", sizeof(info->bus_info));
}

static int edunic_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? EDUNIC_NUM_STATS : -EOPNOTSUPP;
}

static void edunic_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < EDUNIC_NUM_STATS; i++)
		memcpy(buf + i * ETH_GSTRING_LEN, edunic_stats_desc[i].name,
		       ETH_GSTRING_LEN);
}

static void edunic_get_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct edunic_priv *priv = netdev_priv(dev);
	int i;

	for (i = 0; i < EDUNIC_NUM_STATS; i++)
		data[i] = edunic_counter((void *)priv + edunic_stats_desc[i].syncp,
					 (void *)priv + edunic_stats_desc[i].offset);
}

static void edunic_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct edunic_priv *priv = netdev_priv(dev);

	ring->rx_max_pending = EDUNIC_RING_MAX;
	ring->tx_max_pending = EDUNIC_RING_MAX;
	ring->rx_pending = priv->rx_ring_size;
	ring->tx_pending = priv->tx_ring_size;
}

/*
 * New ring sizes take effect by closing and reopening the NIC, as most
 * drivers do: frames in the old rings are dropped. The core already
 * refused sizes above the maxima reported by edunic_get_ringparam().
 */
static int edunic_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct edunic_priv *priv = netdev_priv(dev);
	bool running = netif_running(dev);
	int err;

	if (ring->rx_pending < EDUNIC_RING_MIN ||
	    ring->tx_pending < EDUNIC_RING_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "rings need at least 8 descriptors");
		return -EINVAL;
	}
	if (ring->rx_pending == priv->rx_ring_size &&
	    ring->tx_pending == priv->tx_ring_size)
		return 0;

	if (running)
		edunic_stop(dev);
	priv->rx_ring_size = ring->rx_pending;
	priv->tx_ring_size = ring->tx_pending;
	if (!running)
		return 0;
	err = edunic_open(dev);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "no memory for the new rings");
	return err;
}

static int edunic_get_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct edunic_priv *priv = netdev_priv(dev);

	spin_lock_bh(&priv->irq.lock);
	ec->rx_coalesce_usecs = priv->irq.rx_usecs;
	ec->rx_max_coalesced_frames = priv->irq.rx_frames;
	spin_unlock_bh(&priv->irq.lock);
	return 0;
}

static int edunic_set_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct edunic_priv *priv = netdev_priv(dev);

	if (ec->rx_coalesce_usecs > EDUNIC_COALESCE_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs is at most 100000");
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > EDUNIC_RING_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rx-frames is at most 4096");
		return -EINVAL;
	}
	spin_lock_bh(&priv->irq.lock);
	priv->irq.rx_usecs = ec->rx_coalesce_usecs;
	priv->irq.rx_frames = ec->rx_max_coalesced_frames;
	spin_unlock_bh(&priv->irq.lock);
	return 0;
}

/* The link speed is the emulated rate, when one is set. */
static int edunic_get_link_ksettings(struct net_device *dev,
				     struct ethtool_link_ksettings *cmd)
{
	struct edunic_priv *priv = netdev_priv(dev);
	u32 rate_kbit = READ_ONCE(priv->emul.rate_kbit);

	cmd->base.speed = rate_kbit ? max(rate_kbit / 1000, 1U) : SPEED_UNKNOWN;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

const struct ethtool_ops edunic_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.get_drvinfo		= edunic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= edunic_get_link_ksettings,
	.get_ringparam		= edunic_get_ringparam,
	.set_ringparam		= edunic_set_ringparam,
	.get_coalesce		= edunic_get_coalesce,
	.set_coalesce		= edunic_set_coalesce,
	.get_sset_count		= edunic_get_sset_count,
	.get_strings		= edunic_get_strings,
	.get_ethtool_stats	= edunic_get_ethtool_stats,
};
