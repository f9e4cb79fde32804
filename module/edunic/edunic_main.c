// SPDX-License-Identifier: GPL-2.0
/*
 * edunic: a pair of virtual Ethernet NICs, for learning how a NIC driver
 * and the kernel's receive path work together.
 *
 *   ip link add edu0 type edunic peer name edu1
 *
 * creates two net_devices joined by an emulated wire. Unlike veth, which
 * hands the skb itself to the peer, edunic behaves like hardware: TX and
 * RX descriptor rings, DMA copies, an Ethernet FCS, an interrupt with
 * coalescing and a NAPI poll. See Documentation/edunic.rst.
 *
 * This file holds the net_device_ops, the pair's creation and deletion
 * (rtnl_link_ops, modelled on drivers/net/veth.c) and module init/exit.
 */
#include <linux/module.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <linux/if_edunic.h>

#include "edunic.h"

/*
 * Bring the NIC up: allocate the rings, enable NAPI and the interrupt,
 * start the transmitter, and only then publish the RX ring, the moment
 * from which the peer's transmitter may write into it.
 */
int edunic_open(struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	struct edunic_rx_ring *ring;
	int err;

	err = edunic_tx_ring_alloc(priv);
	if (err)
		return err;
	ring = edunic_rx_ring_alloc(priv->rx_ring_size);
	if (!ring) {
		edunic_tx_ring_free(priv);
		return -ENOMEM;
	}

	edunic_irq_start(priv);
	napi_enable(&priv->napi);
	edunic_hw_start(priv);
	rcu_assign_pointer(priv->rx_ring, ring);
	priv->up = true;
	netif_start_queue(dev);

	/* The carrier is up when both ends are: a cable with two NICs. */
	if (peer && netif_running(peer)) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

/* The reverse of edunic_open(), in the order that makes each step safe. */
int edunic_stop(struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	struct edunic_rx_ring *ring = rtnl_dereference(priv->rx_ring);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	/* A failed reopen (edunic_set_ringparam) left nothing to undo. */
	if (!priv->up)
		return 0;
	priv->up = false;
	netif_tx_disable(dev);

	/* After the grace period no peer transmitter writes into our ring. */
	RCU_INIT_POINTER(priv->rx_ring, NULL);
	synchronize_net();

	edunic_hw_stop(priv);
	edunic_irq_stop(priv);
	napi_disable(&priv->napi);

	edunic_tx_ring_free(priv);
	edunic_rx_ring_free(ring);
	return 0;
}

static int edunic_dev_init(struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);

	netif_napi_add(dev, &priv->napi, edunic_napi_poll);
	return 0;
}

static void edunic_dev_uninit(struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);

	netif_napi_del(&priv->napi);
}

static void edunic_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *stats)
{
	edunic_stats_fold(netdev_priv(dev), stats);
}

static int edunic_get_iflink(const struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct net_device *peer;
	int iflink;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	iflink = peer ? peer->ifindex : 0;
	rcu_read_unlock();
	return iflink;
}

static const struct net_device_ops edunic_netdev_ops = {
	.ndo_init		= edunic_dev_init,
	.ndo_uninit		= edunic_dev_uninit,
	.ndo_open		= edunic_open,
	.ndo_stop		= edunic_stop,
	.ndo_start_xmit		= edunic_xmit,
	.ndo_get_stats64	= edunic_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= edunic_get_iflink,
};

#define EDUNIC_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM | \
			 NETIF_F_HIGHDMA | NETIF_F_TSO | NETIF_F_TSO6)

static void edunic_setup(struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &edunic_netdev_ops;
	dev->ethtool_ops = &edunic_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->max_mtu = EDUNIC_MAX_MTU;
	dev->hw_features = EDUNIC_FEATURES;
	dev->features |= EDUNIC_FEATURES;
	dev->vlan_features = dev->features & ~(NETIF_F_TSO | NETIF_F_TSO6);

	priv->dev = dev;
	priv->tx_ring_size = EDUNIC_RING_DEFAULT;
	priv->rx_ring_size = EDUNIC_RING_DEFAULT;
	edunic_hw_init(priv);
	edunic_irq_init(priv);
	u64_stats_init(&priv->tx_stats.syncp);
	u64_stats_init(&priv->rx_hw_stats.syncp);
	u64_stats_init(&priv->napi_stats.syncp);
	u64_stats_init(&priv->irq_stats.syncp);
}

/* netlink: ip link add/set/del, with the attributes of uapi/linux/if_edunic.h */

static const struct nla_policy edunic_policy[IFLA_EDUNIC_MAX + 1] = {
	[IFLA_EDUNIC_PEER]	= { .len = sizeof(struct ifinfomsg) },
	[IFLA_EDUNIC_RATE]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_DELAY]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_JITTER]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_LOSS]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_DUPLICATE]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_REORDER]	= { .type = NLA_U32 },
	[IFLA_EDUNIC_CORRUPT]	= { .type = NLA_U32 },
};

static const int edunic_time_attrs[] = {
	IFLA_EDUNIC_DELAY, IFLA_EDUNIC_JITTER,
};

static const int edunic_ppm_attrs[] = {
	IFLA_EDUNIC_LOSS, IFLA_EDUNIC_DUPLICATE, IFLA_EDUNIC_REORDER,
	IFLA_EDUNIC_CORRUPT,
};

static int edunic_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	int i;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN)
			return -EINVAL;
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS])))
			return -EADDRNOTAVAIL;
	}
	if (tb[IFLA_MTU]) {
		u32 mtu = nla_get_u32(tb[IFLA_MTU]);

		if (mtu < ETH_MIN_MTU || mtu > EDUNIC_MAX_MTU) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
					    "edunic: MTU must be 68..1500");
			return -EINVAL;
		}
	}
	if (!data)
		return 0;

	for (i = 0; i < ARRAY_SIZE(edunic_time_attrs); i++) {
		struct nlattr *attr = data[edunic_time_attrs[i]];

		if (attr && nla_get_u32(attr) > EDUNIC_DELAY_MAX_US) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "edunic: delay and jitter are at most 10 s");
			return -EINVAL;
		}
	}
	for (i = 0; i < ARRAY_SIZE(edunic_ppm_attrs); i++) {
		struct nlattr *attr = data[edunic_ppm_attrs[i]];

		if (attr && nla_get_u32(attr) > EDUNIC_PPM_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "edunic: a probability is at most 100%");
			return -EINVAL;
		}
	}
	return 0;
}

static void edunic_emul_set(struct edunic_emul *emul, u32 *field,
			    struct nlattr *attr)
{
	if (attr)
		WRITE_ONCE(*field, nla_get_u32(attr));
}

/* Emulation settings are read locklessly by the transmitter. */
static void edunic_apply_emulation(struct edunic_priv *priv,
				   struct nlattr *data[])
{
	struct edunic_emul *e = &priv->emul;

	if (!data)
		return;
	edunic_emul_set(e, &e->rate_kbit, data[IFLA_EDUNIC_RATE]);
	edunic_emul_set(e, &e->delay_us, data[IFLA_EDUNIC_DELAY]);
	edunic_emul_set(e, &e->jitter_us, data[IFLA_EDUNIC_JITTER]);
	edunic_emul_set(e, &e->loss_ppm, data[IFLA_EDUNIC_LOSS]);
	edunic_emul_set(e, &e->duplicate_ppm, data[IFLA_EDUNIC_DUPLICATE]);
	edunic_emul_set(e, &e->reorder_ppm, data[IFLA_EDUNIC_REORDER]);
	edunic_emul_set(e, &e->corrupt_ppm, data[IFLA_EDUNIC_CORRUPT]);
}

static struct rtnl_link_ops edunic_link_ops;

/* As veth_newlink(): register the peer first, then this device. */
static int edunic_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = tb;
	struct ifinfomsg *ifmp = NULL;
	unsigned char name_assign_type;
	struct edunic_priv *priv;
	struct net_device *peer;
	char ifname[IFNAMSIZ];
	struct net *net;
	int err;

	if (data && data[IFLA_EDUNIC_PEER]) {
		struct nlattr *nla_peer = data[IFLA_EDUNIC_PEER];

		ifmp = nla_data(nla_peer);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, nla_peer, extack);
		if (err < 0)
			return err;
		err = edunic_validate(peer_tb, NULL, extack);
		if (err < 0)
			return err;
		tbp = peer_tb;
	}

	if (ifmp && tbp[IFLA_IFNAME]) {
		nla_strscpy(ifname, tbp[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		snprintf(ifname, IFNAMSIZ, EDUNIC_DRV_NAME "%%d");
		name_assign_type = NET_NAME_ENUM;
	}

	net = rtnl_link_get_net(src_net, tbp);
	if (IS_ERR(net))
		return PTR_ERR(net);

	peer = rtnl_create_link(net, ifname, name_assign_type,
				&edunic_link_ops, tbp, extack);
	if (IS_ERR(peer)) {
		put_net(net);
		return PTR_ERR(peer);
	}
	if (!ifmp || !tbp[IFLA_ADDRESS])
		eth_hw_addr_random(peer);
	if (ifmp && dev->ifindex)
		peer->ifindex = ifmp->ifi_index;

	err = register_netdevice(peer);
	put_net(net);
	if (err < 0) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "edunic: the peer's name is in use");
		free_netdev(peer);
		return err;
	}
	netif_carrier_off(peer);

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err < 0)
		goto err_unregister_peer;

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, EDUNIC_DRV_NAME "%%d");

	err = register_netdevice(dev);
	if (err < 0)
		goto err_unregister_peer;
	netif_carrier_off(dev);

	edunic_apply_emulation(netdev_priv(dev), data);

	priv = netdev_priv(dev);
	rcu_assign_pointer(priv->peer, peer);
	priv = netdev_priv(peer);
	rcu_assign_pointer(priv->peer, dev);
	return 0;

err_unregister_peer:
	unregister_netdevice(peer);
	return err;
}

static int edunic_changelink(struct net_device *dev, struct nlattr *tb[],
			     struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	if (data && data[IFLA_EDUNIC_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_EDUNIC_PEER],
				    "edunic: the peer is chosen at creation");
		return -EOPNOTSUPP;
	}
	edunic_apply_emulation(netdev_priv(dev), data);
	return 0;
}

/* Deleting either end deletes both, as with veth. */
static void edunic_dellink(struct net_device *dev, struct list_head *head)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	/*
	 * Both devices stay allocated for an RCU grace period after
	 * unregistration, so a transmitter that still sees the peer pointer
	 * may keep using it until its rcu_read_unlock().
	 */
	RCU_INIT_POINTER(priv->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		priv = netdev_priv(peer);
		RCU_INIT_POINTER(priv->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static size_t edunic_get_size(const struct net_device *dev)
{
	return 7 * nla_total_size(sizeof(u32));
}

static int edunic_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct edunic_priv *priv = netdev_priv(dev);
	const struct edunic_emul *e = &priv->emul;

	if (nla_put_u32(skb, IFLA_EDUNIC_RATE, READ_ONCE(e->rate_kbit)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_DELAY, READ_ONCE(e->delay_us)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_JITTER, READ_ONCE(e->jitter_us)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_LOSS, READ_ONCE(e->loss_ppm)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_DUPLICATE,
			READ_ONCE(e->duplicate_ppm)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_REORDER, READ_ONCE(e->reorder_ppm)) ||
	    nla_put_u32(skb, IFLA_EDUNIC_CORRUPT, READ_ONCE(e->corrupt_ppm)))
		return -EMSGSIZE;
	return 0;
}

static struct net *edunic_get_link_net(const struct net_device *dev)
{
	struct edunic_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static struct rtnl_link_ops edunic_link_ops = {
	.kind		= EDUNIC_DRV_NAME,
	.priv_size	= sizeof(struct edunic_priv),
	.setup		= edunic_setup,
	.validate	= edunic_validate,
	.newlink	= edunic_newlink,
	.changelink	= edunic_changelink,
	.dellink	= edunic_dellink,
	.get_size	= edunic_get_size,
	.fill_info	= edunic_fill_info,
	.policy		= edunic_policy,
	.maxtype	= IFLA_EDUNIC_MAX,
	.get_link_net	= edunic_get_link_net,
};

static int __init edunic_init(void)
{
	return rtnl_link_register(&edunic_link_ops);
}

/* rtnl_link_unregister() deletes every pair still present, in any netns. */
static void __exit edunic_exit(void)
{
	rtnl_link_unregister(&edunic_link_ops);
}

module_init(edunic_init);
module_exit(edunic_exit);

MODULE_DESCRIPTION("edunic: teaching NIC pair with rings, DMA, FCS and NAPI");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(EDUNIC_DRV_NAME);
