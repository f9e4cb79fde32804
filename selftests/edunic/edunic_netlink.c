// SPDX-License-Identifier: GPL-2.0
/*
 * edunic's configuration interface, spoken directly (no iproute2, no
 * ethtool binary): RTM_NEWLINK/DELLINK/GETLINK with the IFLA_EDUNIC_*
 * attributes of <linux/if_edunic.h>, and the ethtool ring and coalescing
 * ioctls. Every bad request must fail with the documented errno, carry an
 * extack message where netlink allows one, and leave nothing half-made.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/if_edunic.h>

#include "kselftest_harness.h"

/* Seconds per test: a KASAN kernel under TCG is slow. */
#define EDUNIC_TEST_TIMEOUT	300

#define DEV0	"ednl0"
#define DEV1	"ednl1"

struct nlreq {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char buf[1024];
};

static struct rtattr *nl_put(struct nlreq *req, int type, const void *data,
			     int len)
{
	struct nlmsghdr *nh = &req->nh;
	struct rtattr *rta = (void *)((char *)req + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nl_end(struct nlreq *req, struct rtattr *nest)
{
	nest->rta_len = (char *)req + req->nh.nlmsg_len - (char *)nest;
}

static void nl_init(struct nlreq *req, int type, int flags)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	req->ifi.ifi_family = AF_UNSPEC;
}

/* Send, read the ACK: 0 or -errno, and the extack message in @msg. */
static int nl_talk(int fd, struct nlreq *req, char *msg, size_t msglen)
{
	char buf[8192];
	struct nlmsghdr *nh = (void *)buf;
	struct nlmsgerr *err;
	struct nlattr *a;
	int len;

	if (msg)
		msg[0] = 0;
	if (send(fd, req, req->nh.nlmsg_len, 0) < 0)
		return -errno;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return -errno;
	if (nh->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	err = NLMSG_DATA(nh);
	if (msg && (nh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		int off = sizeof(*nh) + sizeof(*err);

		if (err->error)
			off += err->msg.nlmsg_len - sizeof(err->msg);
		for (a = (void *)buf + off; (void *)a < (void *)buf + nh->nlmsg_len;
		     a = (void *)a + NLA_ALIGN(a->nla_len)) {
			if (a->nla_len < sizeof(*a))
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
				snprintf(msg, msglen, "%s", (char *)(a + 1));
		}
	}
	return err->error;
}

/* RTM_NEWLINK for an edunic pair; @attr/@val: one IFLA_EDUNIC_* or 0. */
static int edunic_add(int fd, const char *name, const char *peer, int attr,
		      __u32 val, __u32 mtu, char *msg)
{
	struct rtattr *linkinfo, *data, *peer_nest;
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
	struct nlreq req;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put(&req, IFLA_IFNAME, name, strlen(name) + 1);
	if (mtu)
		nl_put(&req, IFLA_MTU, &mtu, sizeof(mtu));
	linkinfo = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	nl_put(&req, IFLA_INFO_KIND, "edunic", 7);
	data = nl_put(&req, IFLA_INFO_DATA, NULL, 0);
	if (attr)
		nl_put(&req, attr, &val, sizeof(val));
	if (peer) {
		peer_nest = nl_put(&req, IFLA_EDUNIC_PEER, &peer_ifi,
				   sizeof(peer_ifi));
		nl_put(&req, IFLA_IFNAME, peer, strlen(peer) + 1);
		nl_end(&req, peer_nest);
	}
	nl_end(&req, data);
	nl_end(&req, linkinfo);
	return nl_talk(fd, &req, msg, 256);
}

/* RTM_NEWLINK on an existing device: changelink with one attribute. */
static int edunic_change(int fd, const char *name, int attr, const void *val,
			 int len, char *msg)
{
	struct rtattr *linkinfo, *data;
	struct nlreq req;

	nl_init(&req, RTM_NEWLINK, 0);
	req.ifi.ifi_index = if_nametoindex(name);
	linkinfo = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	nl_put(&req, IFLA_INFO_KIND, "edunic", 7);
	data = nl_put(&req, IFLA_INFO_DATA, NULL, 0);
	nl_put(&req, attr, val, len);
	nl_end(&req, data);
	nl_end(&req, linkinfo);
	return nl_talk(fd, &req, msg, 256);
}

static int link_del(int fd, const char *name)
{
	struct nlreq req;

	nl_init(&req, RTM_DELLINK, 0);
	req.ifi.ifi_index = if_nametoindex(name);
	if (!req.ifi.ifi_index)
		return -ENODEV;
	return nl_talk(fd, &req, NULL, 0);
}

/* IFLA_LINKINFO / IFLA_INFO_DATA / @attr of @name, as RTM_GETLINK says. */
static long edunic_get(int fd, const char *name, int attr)
{
	char buf[16384];
	struct nlreq req;
	struct nlmsghdr *nh = (void *)buf;
	struct rtattr *rta, *li, *d;
	int len, rem, lrem, drem;

	nl_init(&req, RTM_GETLINK, 0);
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_index = if_nametoindex(name);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0 || nh->nlmsg_type != RTM_NEWLINK)
		return -EPROTO;
	rem = IFLA_PAYLOAD(nh);
	for (rta = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(rta, rem);
	     rta = RTA_NEXT(rta, rem)) {
		if (rta->rta_type != IFLA_LINKINFO)
			continue;
		lrem = RTA_PAYLOAD(rta);
		for (li = RTA_DATA(rta); RTA_OK(li, lrem);
		     li = RTA_NEXT(li, lrem)) {
			if (li->rta_type != IFLA_INFO_DATA)
				continue;
			drem = RTA_PAYLOAD(li);
			for (d = RTA_DATA(li); RTA_OK(d, drem);
			     d = RTA_NEXT(d, drem))
				if (d->rta_type == attr)
					return *(__u32 *)RTA_DATA(d);
		}
	}
	return -ENOENT;
}

static int ethtool_ioctl(const char *name, void *cmd)
{
	struct ifreq ifr = { .ifr_data = cmd };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int ret;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
	close(fd);
	return ret;
}

static int set_rings(const char *name, __u32 rx, __u32 tx)
{
	struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };
	int ret = ethtool_ioctl(name, &r);

	if (ret)
		return ret;
	r.cmd = ETHTOOL_SRINGPARAM;
	r.rx_pending = rx;
	r.tx_pending = tx;
	return ethtool_ioctl(name, &r);
}

static int edunic_loaded(void)
{
	const char *top = getenv("AF_EDU_TOP");
	char cmd[512];
	struct stat st;

	if (!stat("/sys/module/edunic", &st))
		return 1;
	snprintf(cmd, sizeof(cmd), "insmod %s/module/edunic/edunic.ko",
		 top ? top : "../..");
	return system(cmd) == 0;
}

FIXTURE(pair) {
	int fd;
	char msg[256];
};

FIXTURE_SETUP(pair)
{
	int one = 1;

	if (geteuid())
		SKIP(return, "needs root");
	if (!edunic_loaded())
		SKIP(return, "edunic.ko not loaded and cannot be");
	self->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	ASSERT_GE(self->fd, 0);
	setsockopt(self->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	link_del(self->fd, DEV0);
	link_del(self->fd, "ednl2");
	ASSERT_EQ(0, edunic_add(self->fd, DEV0, DEV1, 0, 0, 0, self->msg));
}

FIXTURE_TEARDOWN(pair)
{
	link_del(self->fd, DEV0);
	link_del(self->fd, "ednl2");
	close(self->fd);
}

TEST_F_TIMEOUT(pair, both_ends_exist_and_die_together, EDUNIC_TEST_TIMEOUT)
{
	ASSERT_NE(0, if_nametoindex(DEV0));
	ASSERT_NE(0, if_nametoindex(DEV1));
	ASSERT_EQ(0, link_del(self->fd, DEV1));
	EXPECT_EQ(0, if_nametoindex(DEV0));
	EXPECT_EQ(0, if_nametoindex(DEV1));
}

TEST_F_TIMEOUT(pair, peer_name_in_use_is_eexist, EDUNIC_TEST_TIMEOUT)
{
	EXPECT_EQ(-EEXIST, edunic_add(self->fd, "ednl2", DEV1, 0, 0, 0,
				      self->msg));
	EXPECT_NE(NULL, strstr(self->msg, "in use"));
	EXPECT_EQ(0, if_nametoindex("ednl2"));
}

TEST_F_TIMEOUT(pair, device_name_in_use_leaves_no_peer, EDUNIC_TEST_TIMEOUT)
{
	EXPECT_EQ(-EEXIST, edunic_add(self->fd, DEV0, "ednl2", 0, 0, 0,
				      self->msg));
	EXPECT_EQ(0, if_nametoindex("ednl2"));
}

TEST_F_TIMEOUT(pair, probability_over_100_percent_is_einval, EDUNIC_TEST_TIMEOUT)
{
	static const int attrs[] = {
		IFLA_EDUNIC_LOSS, IFLA_EDUNIC_DUPLICATE, IFLA_EDUNIC_REORDER,
		IFLA_EDUNIC_CORRUPT,
	};
	__u32 too_much = EDUNIC_PPM_MAX + 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		EXPECT_EQ(-EINVAL, edunic_change(self->fd, DEV0, attrs[i],
						 &too_much, 4, self->msg));
		EXPECT_NE(NULL, strstr(self->msg, "at most 100%"));
		EXPECT_EQ(0, edunic_get(self->fd, DEV0, attrs[i]));
	}
	EXPECT_EQ(-EINVAL, edunic_add(self->fd, "ednl2", "ednl3",
				      IFLA_EDUNIC_LOSS, too_much, 0,
				      self->msg));
	EXPECT_EQ(0, if_nametoindex("ednl2"));
	EXPECT_EQ(0, if_nametoindex("ednl3"));
}

TEST_F_TIMEOUT(pair, delay_over_10s_is_einval, EDUNIC_TEST_TIMEOUT)
{
	__u32 us = EDUNIC_DELAY_MAX_US + 1;

	EXPECT_EQ(-EINVAL, edunic_change(self->fd, DEV0, IFLA_EDUNIC_DELAY,
					 &us, 4, self->msg));
	EXPECT_NE(NULL, strstr(self->msg, "at most 10 s"));
	EXPECT_EQ(-EINVAL, edunic_change(self->fd, DEV0, IFLA_EDUNIC_JITTER,
					 &us, 4, self->msg));
}

TEST_F_TIMEOUT(pair, settings_read_back_per_device, EDUNIC_TEST_TIMEOUT)
{
	__u32 loss = 123456, rate = 10000;

	ASSERT_EQ(0, edunic_change(self->fd, DEV0, IFLA_EDUNIC_LOSS, &loss, 4,
				   self->msg));
	ASSERT_EQ(0, edunic_change(self->fd, DEV1, IFLA_EDUNIC_RATE, &rate, 4,
				   self->msg));
	EXPECT_EQ(123456, edunic_get(self->fd, DEV0, IFLA_EDUNIC_LOSS));
	EXPECT_EQ(0, edunic_get(self->fd, DEV0, IFLA_EDUNIC_RATE));
	EXPECT_EQ(10000, edunic_get(self->fd, DEV1, IFLA_EDUNIC_RATE));
	EXPECT_EQ(0, edunic_get(self->fd, DEV1, IFLA_EDUNIC_LOSS));
}

TEST_F_TIMEOUT(pair, changing_the_peer_is_eopnotsupp, EDUNIC_TEST_TIMEOUT)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	EXPECT_EQ(-EOPNOTSUPP, edunic_change(self->fd, DEV0, IFLA_EDUNIC_PEER,
					     &ifi, sizeof(ifi), self->msg));
}

TEST_F_TIMEOUT(pair, mtu_over_1500_is_einval, EDUNIC_TEST_TIMEOUT)
{
	EXPECT_EQ(-EINVAL, edunic_add(self->fd, "ednl2", "ednl3", 0, 0, 9000,
				      self->msg));
	EXPECT_EQ(0, if_nametoindex("ednl2"));
}

TEST_F_TIMEOUT(pair, ring_sizes_checked, EDUNIC_TEST_TIMEOUT)
{
	struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };

	EXPECT_EQ(-EINVAL, set_rings(DEV0, 0, 256));
	EXPECT_EQ(-EINVAL, set_rings(DEV0, 256, 7));
	EXPECT_EQ(-EINVAL, set_rings(DEV0, 4097, 256));
	ASSERT_EQ(0, set_rings(DEV0, 64, 32));
	ASSERT_EQ(0, ethtool_ioctl(DEV0, &r));
	EXPECT_EQ(64, r.rx_pending);
	EXPECT_EQ(32, r.tx_pending);
	EXPECT_EQ(4096, r.rx_max_pending);
}

TEST_F_TIMEOUT(pair, coalescing_checked, EDUNIC_TEST_TIMEOUT)
{
	struct ethtool_coalesce c = { .cmd = ETHTOOL_GCOALESCE };

	ASSERT_EQ(0, ethtool_ioctl(DEV0, &c));
	c.cmd = ETHTOOL_SCOALESCE;
	c.rx_coalesce_usecs = 100001;
	EXPECT_EQ(-EINVAL, ethtool_ioctl(DEV0, &c));
	c.rx_coalesce_usecs = 50;
	c.rx_max_coalesced_frames = 8;
	ASSERT_EQ(0, ethtool_ioctl(DEV0, &c));
	memset(&c, 0, sizeof(c));
	c.cmd = ETHTOOL_GCOALESCE;
	ASSERT_EQ(0, ethtool_ioctl(DEV0, &c));
	EXPECT_EQ(50, c.rx_coalesce_usecs);
	EXPECT_EQ(8, c.rx_max_coalesced_frames);
}

TEST_HARNESS_MAIN
