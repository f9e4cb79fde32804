// SPDX-License-Identifier: GPL-2.0
/* The TUN test bed of edu_tun.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "edu_tun.h"

int edu_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int ifreq_ioctl(int s, unsigned long req, struct ifreq *ifr)
{
	return ioctl(s, req, ifr) ? -errno : 0;
}

int edu_tun_create(const char *ifname, struct in_addr local, int prefix,
		   const char **what)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s, fd, r;

	*what = "socket(AF_INET)";
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	*what = "open /dev/net/tun";
	/* the TUN driver is a module on a distribution kernel */
	if (access("/dev/net/tun", F_OK) && system("modprobe tun 2>/dev/null"))
		errno = ENOENT;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	*what = "TUNSETIFF";
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		r = -errno;
		goto out;
	}
	*what = "configuring the TUN device";
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	sin->sin_family = AF_INET;
	sin->sin_addr = local;
	r = ifreq_ioctl(s, SIOCSIFADDR, &ifr);
	sin->sin_addr.s_addr = prefix ? htonl(~0u << (32 - prefix)) : 0;
	r = r ? r : ifreq_ioctl(s, SIOCSIFNETMASK, &ifr);
	r = r ? r : ifreq_ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	r = r ? r : ifreq_ioctl(s, SIOCSIFFLAGS, &ifr);
out:
	close(s);
	if (r) {
		if (fd >= 0)
			close(fd);
		errno = -r;
		return -1;
	}
	return fd;
}

int edu_tun_netns(const char *ifname, struct in_addr local, int prefix,
		  const char **what)
{
	struct ifreq ifr;
	int s;

	*what = "unshare(CLONE_NEWNET)";
	if (unshare(CLONE_NEWNET))
		return -1;
	edu_write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	edu_write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "lo");
		if (!ifreq_ioctl(s, SIOCGIFFLAGS, &ifr)) {
			ifr.ifr_flags |= IFF_UP;
			ifreq_ioctl(s, SIOCSIFFLAGS, &ifr);
		}
		close(s);
	}
	return edu_tun_create(ifname, local, prefix, what);
}
