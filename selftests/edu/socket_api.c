// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API of AF_EDU, call by call, against what kernel TCP does.
 *
 * Every test runs twice: the "tcp" variant on AF_INET/IPPROTO_TCP proves
 * that the expectation is what Linux TCP really does, the "edu" variant
 * then holds AF_EDU to the same result. Each test gets a private network
 * namespace (see edu_private_netns()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "edu_common.h"
#include "kselftest_harness.h"

FIXTURE(api) {
	int fam;
};

FIXTURE_VARIANT(api) {
	bool edu;
	int proto;		/* protocol number accepted by socket() */
	int level;		/* level of the transport's own options */
	int o_nodelay, o_maxseg, o_info, o_cong;
	int wrong_family;	/* a family bind() must refuse */
};

FIXTURE_VARIANT_ADD(api, tcp) {
	.edu = false,
	.proto = IPPROTO_TCP,
	.level = IPPROTO_TCP,
	.o_nodelay = TCP_NODELAY,
	.o_maxseg = TCP_MAXSEG,
	.o_info = TCP_INFO,
	.o_cong = TCP_CONGESTION,
	.wrong_family = AF_INET6,
};

FIXTURE_VARIANT_ADD(api, edu) {
	.edu = true,
	.proto = IPPROTO_EDU,
	.level = SOL_EDU,
	.o_nodelay = EDU_NODELAY,
	.o_maxseg = EDU_MAXSEG,
	.o_info = EDU_INFO,
	.o_cong = EDU_CONGESTION,
	.wrong_family = AF_INET,
};

FIXTURE_SETUP(api)
{
	int ret;

	if (variant->edu) {
		ret = edu_setup();
		if (ret < 0)
			SKIP(longjmp(_metadata->env, 1),
			     "af_edu.ko not available: %s", strerror(-ret));
		self->fam = ret;
	} else {
		self->fam = AF_INET;
	}
	ASSERT_EQ(0, edu_private_netns());
}

FIXTURE_TEARDOWN(api)
{
}

/* The fields both tcp_info and edu_info carry, read through one call. */
struct xinfo {
	int len;
	int state;
	unsigned int rtt;
	unsigned int snd_mss;
	unsigned long long bytes_acked;
	unsigned long long bytes_received;
};

static int get_xinfo(bool edu, int fd, struct xinfo *xi)
{
	union {
		struct tcp_info t;
		struct edu_info e;
	} u;
	socklen_t len = edu ? sizeof(u.e) : sizeof(u.t);

	memset(&u, 0, sizeof(u));
	if (getsockopt(fd, edu ? SOL_EDU : IPPROTO_TCP,
		       edu ? EDU_INFO : TCP_INFO, &u, &len))
		return -1;
	xi->len = len;
	if (edu) {
		xi->state = u.e.edui_state;
		xi->rtt = u.e.edui_rtt;
		xi->snd_mss = u.e.edui_snd_mss;
		xi->bytes_acked = u.e.edui_bytes_acked;
		xi->bytes_received = u.e.edui_bytes_received;
	} else {
		xi->state = u.t.tcpi_state;
		xi->rtt = u.t.tcpi_rtt;
		xi->snd_mss = u.t.tcpi_snd_mss;
		/* TCP counts the acknowledged SYN in tcpi_bytes_acked */
		xi->bytes_acked = u.t.tcpi_bytes_acked - 1;
		xi->bytes_received = u.t.tcpi_bytes_received;
	}
	return 0;
}

static int xstate(bool edu, int fd)
{
	struct xinfo xi;

	return get_xinfo(edu, fd, &xi) ? -1 : xi.state;
}

static struct sockaddr_in mkaddr(int fam, const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = fam;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int stream(int fam, int flags)
{
	return socket(fam, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
}

/* A listener on 127.0.0.1 at an ephemeral port; *a gets its address. */
static int make_listener(int fam, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = stream(fam, 0);

	*a = mkaddr(fam, "127.0.0.1", 0);
	if (fd < 0 || bind(fd, (void *)a, sizeof(*a)) || listen(fd, 128) ||
	    getsockname(fd, (void *)a, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A connected pair over loopback: *c the client, *s the accepted end. */
static int make_pair(int fam, int *c, int *s)
{
	struct sockaddr_in a;
	int l = make_listener(fam, &a);

	if (l < 0)
		return -1;
	*c = stream(fam, 0);
	if (*c < 0 || connect(*c, (void *)&a, sizeof(a))) {
		close(l);
		return -1;
	}
	*s = accept(l, NULL, NULL);
	close(l);
	return *s < 0 ? -1 : 0;
}

static int set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

static int get_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int val = -12345;

	if (getsockopt(fd, level, opt, &val, &len))
		return -12345;
	return val;
}

static short poll1(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

/* Fill @fd's send path until the peer (which never reads) pushes back. */
static long fill_until_eagain(int fd)
{
	static char buf[65536];
	long total = 0;
	int idle = 0;

	while (idle < 20) {
		ssize_t n = send(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
			total += n;
			idle = 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return -1;
		/* let the window close and the queues settle */
		idle++;
		edu_msleep(10);
	}
	return total;
}

/* A black hole: 10.99.0.2 is routed out of a veth whose peer is down. */
static int blackhole(void)
{
	return edu_sh("ip link add edubh0 type veth peer name edubh1 && "
		      "ip addr add 10.99.0.1/24 dev edubh0 && "
		      "ip link set edubh0 up");
}

TEST_F(api, socket_create)
{
	int fd;

	fd = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	close(fd);
	fd = socket(self->fam, SOCK_STREAM, variant->proto);
	ASSERT_LE(0, fd) TH_LOG("protocol %d refused: %s", variant->proto,
				strerror(errno));
	close(fd);

	/* a type the family does not offer */
	EXPECT_EQ(-1, socket(self->fam, SOCK_SEQPACKET, 0));
	EXPECT_EQ(ESOCKTNOSUPPORT, errno);
	/* a protocol that is not this transport */
	EXPECT_EQ(-1, socket(self->fam, SOCK_STREAM, IPPROTO_UDP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);

	fd = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

TEST_F(api, bind_errors)
{
	struct sockaddr_in a, b;
	struct sockaddr_storage w;
	socklen_t len = sizeof(a);
	int fd1 = stream(self->fam, 0), fd2 = stream(self->fam, 0);

	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);

	/* short address and wrong family come first: fd1 is still unbound */
	a = mkaddr(self->fam, "127.0.0.1", 0);
	EXPECT_EQ(-1, bind(fd1, (void *)&a, sizeof(a) - 1));
	EXPECT_EQ(EINVAL, errno);
	/*
	 * The other family's address is given whole: an AF_INET6 address
	 * of sizeof(struct sockaddr_in) bytes is a short address as well,
	 * and SELinux, where it is the running LSM, refuses that with
	 * EINVAL before the transport sees it.
	 */
	memset(&w, 0, sizeof(w));
	w.ss_family = variant->wrong_family;
	EXPECT_EQ(-1, bind(fd1, (void *)&w,
			   variant->wrong_family == AF_INET6 ?
			   sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)));
	EXPECT_EQ(EAFNOSUPPORT, errno);

	/* not an address of this host */
	b = mkaddr(self->fam, "10.255.255.1", 0);
	EXPECT_EQ(-1, bind(fd1, (void *)&b, sizeof(b)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);

	ASSERT_EQ(0, bind(fd1, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(fd1, (void *)&a, &len));
	EXPECT_NE(0, a.sin_port);
	EXPECT_EQ(self->fam, a.sin_family);

	/* the same port again, by another socket */
	EXPECT_EQ(-1, bind(fd2, (void *)&a, sizeof(a)));
	EXPECT_EQ(EADDRINUSE, errno);
	/* and by a socket that listens on it */
	ASSERT_EQ(0, listen(fd1, 1));
	EXPECT_EQ(-1, bind(fd2, (void *)&a, sizeof(a)));
	EXPECT_EQ(EADDRINUSE, errno);

	/* a socket binds once */
	b = mkaddr(self->fam, "127.0.0.1", 0);
	EXPECT_EQ(-1, bind(fd1, (void *)&b, sizeof(b)));
	EXPECT_EQ(EINVAL, errno);

	close(fd1);
	close(fd2);
}

/*
 * A server that closes first leaves its port in TIME_WAIT: a new listener
 * may take the port only with SO_REUSEADDR (set on both sockets).
 */
TEST_F(api, bind_reuseaddr_time_wait)
{
	struct sockaddr_in a = mkaddr(self->fam, "127.0.0.1", 0);
	socklen_t len = sizeof(a);
	char buf[8];
	int l, c, s, n;

	l = stream(self->fam, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, set_int(l, SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, getsockname(l, (void *)&a, &len));
	c = stream(self->fam, 0);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(l);
	/* the server closes first and ends in TIME_WAIT */
	close(s);
	EXPECT_EQ(0, recv(c, buf, sizeof(buf), 0));
	close(c);
	edu_msleep(100);

	n = stream(self->fam, 0);
	ASSERT_LE(0, n);
	EXPECT_EQ(-1, bind(n, (void *)&a, sizeof(a)));
	EXPECT_EQ(EADDRINUSE, errno);
	close(n);
	n = stream(self->fam, 0);
	ASSERT_EQ(0, set_int(n, SOL_SOCKET, SO_REUSEADDR, 1));
	EXPECT_EQ(0, bind(n, (void *)&a, sizeof(a))) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, listen(n, 4));
	close(n);
}

TEST_F(api, bind_privileged_port)
{
	struct sockaddr_in a = mkaddr(self->fam, "127.0.0.1", 80);
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int s;

		/* nobody has no CAP_NET_BIND_SERVICE */
		if (setgid(65534) || setuid(65534))
			_exit(10);
		s = stream(self->fam, 0);
		if (s < 0)
			_exit(11);
		if (bind(s, (void *)&a, sizeof(a)) == 0)
			_exit(12);
		if (errno != EACCES)
			_exit(13);
		a.sin_port = htons(2080);
		if (bind(s, (void *)&a, sizeof(a)))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child step %d failed (12: bind to 80 allowed, 13: wrong errno)",
		       WEXITSTATUS(status));
	}

	/* root may */
	fd = stream(self->fam, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, bind(fd, (void *)&a, sizeof(a)));
	close(fd);
}

TEST_F(api, ephemeral_ports)
{
	struct sockaddr_in la, a;
	socklen_t len = sizeof(a);
	int l, c, s, lo = 0, hi = 0;
	FILE *f;

	/* AF_EDU has its own range (net.edu.port_low/high) when it says so */
	if (variant->edu && edu_file_exists("/proc/sys/net/edu/port_low")) {
		lo = edu_read_long("/proc/sys/net/edu/port_low");
		hi = edu_read_long("/proc/sys/net/edu/port_high");
	} else {
		f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
		ASSERT_NE(NULL, f);
		ASSERT_EQ(2, fscanf(f, "%d %d", &lo, &hi));
		fclose(f);
	}

	/* listen() without bind() picks a port */
	l = stream(self->fam, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, getsockname(l, (void *)&la, &len));
	EXPECT_NE(0, ntohs(la.sin_port));
	close(l);

	/* connect() without bind() picks one in ip_local_port_range */
	l = make_listener(self->fam, &la);
	ASSERT_LE(0, l);
	c = stream(self->fam, 0);
	ASSERT_EQ(0, connect(c, (void *)&la, sizeof(la)));
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(c, (void *)&a, &len));
	EXPECT_LE(lo, ntohs(a.sin_port));
	EXPECT_GE(hi, ntohs(a.sin_port));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), a.sin_addr.s_addr);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(s);
	close(c);
	close(l);
}

/* With four local ports to choose from, the fifth connection has none. */
TEST_F(api, ephemeral_ports_exhausted)
{
	struct sockaddr_in a;
	int l, i, lo, fds[5], acc[4];

	/* the listener's own port must not come out of the small range */
	l = make_listener(self->fam, &a);
	ASSERT_LE(0, l);
	lo = ntohs(a.sin_port) / 4 == 40000 / 4 ? 50000 : 40000;
	if (variant->edu) {
		ASSERT_EQ(0, edu_sh("echo %d > /proc/sys/net/edu/port_low && "
				    "echo %d > /proc/sys/net/edu/port_high",
				    lo, lo + 3));
	} else {
		ASSERT_EQ(0, edu_sh("echo %d %d > "
				    "/proc/sys/net/ipv4/ip_local_port_range",
				    lo, lo + 3));
	}
	for (i = 0; i < 4; i++) {
		fds[i] = stream(self->fam, 0);
		ASSERT_EQ(0, connect(fds[i], (void *)&a, sizeof(a)))
			TH_LOG("connection %d: %s", i, strerror(errno));
		acc[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, acc[i]);
	}
	fds[4] = stream(self->fam, 0);
	EXPECT_EQ(-1, connect(fds[4], (void *)&a, sizeof(a)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	for (i = 0; i < 4; i++) {
		close(fds[i]);
		close(acc[i]);
	}
	close(fds[4]);
	close(l);
}

TEST_F(api, listen_accept)
{
	struct sockaddr_in a, peer;
	socklen_t len = sizeof(peer);
	int l, c, s, status;
	pid_t pid;

	l = make_listener(self->fam, &a);
	ASSERT_LE(0, l);
	EXPECT_EQ(EDU_LISTEN, xstate(variant->edu, l));

	/* nothing pending: non-blocking accept says EAGAIN */
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll1(l, POLLIN, 0));

	c = stream(self->fam, 0);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(POLLIN, poll1(l, POLLIN, 2000) & POLLIN);
	s = accept4(l, (void *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT_LE(0, s);
	EXPECT_EQ(sizeof(peer), len);
	EXPECT_EQ(self->fam, peer.sin_family);
	EXPECT_TRUE(fcntl(s, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(s, F_GETFD) & FD_CLOEXEC);

	/* a connected socket cannot listen, a non-listener cannot accept */
	EXPECT_EQ(-1, listen(c, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(c, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	close(s);
	close(c);

	/* blocking accept waits for the connection that comes later */
	ASSERT_EQ(0, fcntl(l, F_SETFL, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = stream(self->fam, 0);

		edu_msleep(200);
		if (fd < 0 || connect(fd, (void *)&a, sizeof(a)))
			_exit(1);
		edu_msleep(200);
		_exit(0);
	}
	s = accept(l, NULL, NULL);
	EXPECT_LE(0, s);
	EXPECT_FALSE(fcntl(s, F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(s, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(s);
	close(l);
}

TEST_F(api, connect_refused)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(int);
	int l, c, err = -1;
	short ev;

	/* a port nobody listens on: take one and give it back */
	l = make_listener(self->fam, &a);
	ASSERT_LE(0, l);
	close(l);

	c = stream(self->fam, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(c);

	/* non-blocking: the refusal comes through poll and SO_ERROR */
	c = stream(self->fam, SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	ev = poll1(c, POLLOUT, 3000);
	EXPECT_TRUE(ev & POLLERR) TH_LOG("revents 0x%x", ev);
	EXPECT_TRUE(ev & POLLHUP) TH_LOG("revents 0x%x", ev);
	EXPECT_EQ(0, getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ECONNREFUSED, err);
	/* SO_ERROR clears the error it reports */
	EXPECT_EQ(0, get_int(c, SOL_SOCKET, SO_ERROR));
	close(c);

	/* a refused socket may try again, and succeed once someone listens */
	c = stream(self->fam, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
	l = stream(self->fam, 0);
	ASSERT_EQ(0, set_int(l, SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 1));
	EXPECT_EQ(0, connect(c, (void *)&a, sizeof(a))) TH_LOG("%s",
							      strerror(errno));
	EXPECT_EQ(EDU_ESTABLISHED, xstate(variant->edu, c));
	close(c);
	close(l);
}

TEST_F(api, connect_nonblocking)
{
	struct sockaddr_in a;
	int l, c, s;
	short ev;

	l = make_listener(self->fam, &a);
	ASSERT_LE(0, l);
	c = stream(self->fam, SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	ev = poll1(c, POLLOUT, 3000);
	EXPECT_EQ(POLLOUT, ev & (POLLOUT | POLLERR | POLLHUP));
	EXPECT_EQ(0, get_int(c, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(EDU_ESTABLISHED, xstate(variant->edu, c));
	/* the first connect() after completion reports success, then EISCONN */
	EXPECT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(s);
	close(c);

	/* a blocking connect that succeeded: EISCONN right away */
	c = stream(self->fam, 0);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno);
	close(c);
	close(l);
}

TEST_F(api, connect_already)
{
	struct sockaddr_in a = mkaddr(self->fam, "10.99.0.2", 9);
	int c;

	ASSERT_EQ(0, blackhole());
	c = stream(self->fam, SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_EQ(EDU_SYN_SENT, xstate(variant->edu, c));
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(0, poll1(c, POLLOUT | POLLIN, 100));
	close(c);
}

TEST_F(api, recv_flags)
{
	char buf[8192], out[8192];
	int c, s, status, i;
	pid_t pid;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = i * 7;

	/* nothing there yet */
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* MSG_PEEK leaves the bytes in the queue */
	ASSERT_EQ(100, send(c, out, 100, 0));
	EXPECT_EQ(100, recv(s, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(50, recv(s, buf, 50, MSG_PEEK));
	EXPECT_EQ(100, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, out, 100));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* MSG_WAITALL waits for the second half, sent 200 ms later */
	ASSERT_EQ(4096, send(c, out, 4096, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		edu_msleep(200);
		_exit(send(c, out + 4096, 4096, 0) == 4096 ? 0 : 1);
	}
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(8192, recv(s, buf, 8192, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, out, 8192));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* a zero-length send sends nothing and says so */
	EXPECT_EQ(0, send(c, out, 0, 0));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* MSG_WAITALL settles for less when the stream ends */
	ASSERT_EQ(100, send(c, out, 100, 0));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_EQ(100, recv(s, buf, sizeof(buf), MSG_WAITALL));

	/* after the peer closes, recv() returns 0, again and again */
	close(c);
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	close(s);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

/* Send until the peer's reset turns into an error; returns that errno. */
static int send_until_error(int fd, int flags)
{
	char buf[1000] = { 0 };
	int i;

	for (i = 0; i < 200; i++) {
		if (send(fd, buf, sizeof(buf), flags) < 0)
			return errno;
		edu_msleep(10);
	}
	return 0;
}

/*
 * close() with data still queued to send is a graceful close: the orphaned
 * socket delivers every byte, then the FIN (RFC 9293 3.10.4).
 */
TEST_F(api, close_flushes_pending_data)
{
	const long total = 4 << 20;
	static uint8_t buf[65536];
	long got = 0;
	int c, s, bad = 0, status;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		static uint8_t out[4 << 20];
		long i;

		/* bytes count up mod 251 so a gap or a repeat shows */
		for (i = 0; i < total; i++)
			out[i] = i % 251;
		/* returns with much of it still queued: the reader sleeps */
		if (send(c, out, total, 0) != total)
			_exit(1);
		close(c);
		_exit(0);
	}
	close(c);
	edu_msleep(300);
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
		int i;

		for (i = 0; i < n; i++)
			bad += buf[i] != (got + i) % 251;
		got += n;
	}
	EXPECT_EQ(0, n) TH_LOG("recv: %s after %ld of %ld bytes",
			       strerror(errno), got, total);
	EXPECT_EQ(total, got);
	EXPECT_EQ(0, bad);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(s);
}

/* Closing with unread data aborts the connection (RFC 2525 2.17). */
TEST_F(api, close_with_unread_data_resets)
{
	char buf[64];
	int c, s, i;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	for (i = 0; i < 100; i++) {
		int v = 0;

		ASSERT_EQ(0, ioctl(s, SIOCINQ, &v));
		if (v == 10)
			break;
		edu_msleep(10);
	}
	close(s);
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	close(c);
}

/* SO_RCVLOWAT: not readable until that many bytes are queued. */
TEST_F(api, rcvlowat)
{
	char buf[256] = { 0 };
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(0, set_int(s, SOL_SOCKET, SO_RCVLOWAT, 100));
	EXPECT_EQ(100, get_int(s, SOL_SOCKET, SO_RCVLOWAT));
	ASSERT_EQ(50, send(c, buf, 50, 0));
	EXPECT_EQ(0, poll1(s, POLLIN, 300));
	ASSERT_EQ(60, send(c, buf, 60, 0));
	EXPECT_EQ(POLLIN, poll1(s, POLLIN, 2000));
	EXPECT_EQ(110, recv(s, buf, sizeof(buf), 0));
	close(c);
	close(s);
}

/* One send() much larger than the send buffer: all of it, in order. */
TEST_F(api, large_single_send)
{
	const size_t n = 8 << 20;
	uint8_t *out = malloc(n), *in = malloc(n);
	size_t got = 0, i;
	int c, s, status;
	pid_t pid;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	for (i = 0; i < n; i++)
		out[i] = (i * 2654435761u) >> 13;
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(send(c, out, n, 0) == (ssize_t)n ? 0 : 1);
	while (got < n) {
		ssize_t r = recv(s, in + got, n - got, 0);

		ASSERT_LT(0, r);
		got += r;
	}
	EXPECT_EQ(0, memcmp(in, out, n));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(c);
	close(s);
	free(in);
	free(out);
}

TEST_F(api, send_after_peer_close)
{
	int c, s;

	/* with MSG_NOSIGNAL: EPIPE, no signal */
	signal(SIGPIPE, on_sigpipe);
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	close(s);
	EXPECT_EQ(EPIPE, send_until_error(c, MSG_NOSIGNAL));
	EXPECT_EQ(0, sigpipes);
	close(c);

	/* without it: EPIPE and SIGPIPE */
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	close(s);
	EXPECT_EQ(EPIPE, send_until_error(c, 0));
	EXPECT_LE(1, sigpipes);
	close(c);
	signal(SIGPIPE, SIG_DFL);
}

TEST_F(api, unconnected)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char buf[16] = { 0 };
	int fd = stream(self->fam, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, send(fd, buf, sizeof(buf), MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, getpeername(fd, (void *)&a, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(fd, SHUT_RDWR));
	EXPECT_EQ(ENOTCONN, errno);
	/* an unconnected socket is "hung up" for poll */
	EXPECT_TRUE(poll1(fd, POLLIN | POLLOUT, 0) & POLLHUP);
	close(fd);
}

TEST_F(api, shutdown_half_close)
{
	char buf[64];
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	EXPECT_EQ(-1, shutdown(c, 42));
	EXPECT_EQ(EINVAL, errno);

	/* client -> server direction closed; the reverse still works */
	ASSERT_EQ(5, send(c, "hello", 5, 0));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_EQ(5, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(c, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(5, send(s, "world", 5, 0));
	EXPECT_EQ(5, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "world", 5));

	/* then the other way */
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_EQ(0, recv(c, buf, sizeof(buf), 0));
	close(c);
	close(s);

	/* server closes its sending side first this time */
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_EQ(0, recv(c, buf, sizeof(buf), 0));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	EXPECT_EQ(3, recv(s, buf, sizeof(buf), 0));

	/* SHUT_RD: reads return end-of-file at once instead of blocking */
	ASSERT_EQ(0, shutdown(s, SHUT_RD));
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	close(c);
	close(s);
}

TEST_F(api, poll_bits)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[64];
	short ev;
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ev = poll1(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	EXPECT_EQ(POLLOUT, ev);

	ASSERT_EQ(3, send(s, "abc", 3, 0));
	ev = poll1(c, POLLIN | POLLRDHUP, 2000);
	EXPECT_EQ(POLLIN, ev);
	EXPECT_EQ(3, recv(c, buf, sizeof(buf), 0));

	/*
	 * peer half-closes: readable (EOF) and POLLRDHUP, not POLLHUP.
	 * POLLOUT is ready all along, so a poll that asks for it returns
	 * at once: wait for the FIN alone first (a slow kernel may not
	 * have delivered it yet), then look at all the bits.
	 */
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ev = poll1(c, POLLRDHUP, 2000);
	EXPECT_EQ(POLLRDHUP, ev);
	ev = poll1(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	EXPECT_EQ(POLLIN | POLLOUT | POLLRDHUP, ev);

	/* both directions shut: POLLHUP */
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	edu_msleep(100);
	ev = poll1(c, POLLIN | POLLRDHUP, 2000);
	EXPECT_TRUE(ev & POLLHUP) TH_LOG("revents 0x%x", ev);
	close(c);
	close(s);

	/* a reset: POLLERR and POLLHUP */
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(s);
	edu_msleep(100);
	ev = poll1(c, POLLIN | POLLOUT, 2000);
	EXPECT_TRUE(ev & POLLERR) TH_LOG("revents 0x%x", ev);
	EXPECT_TRUE(ev & POLLHUP) TH_LOG("revents 0x%x", ev);
	close(c);
}

TEST_F(api, names)
{
	struct sockaddr_in la, ca, cp, sa, sp;
	socklen_t len;
	int l, c, s;

	l = make_listener(self->fam, &la);
	ASSERT_LE(0, l);
	c = stream(self->fam, 0);
	ASSERT_EQ(0, connect(c, (void *)&la, sizeof(la)));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);

	len = sizeof(ca);
	ASSERT_EQ(0, getsockname(c, (void *)&ca, &len));
	EXPECT_EQ(sizeof(ca), len);
	len = sizeof(cp);
	ASSERT_EQ(0, getpeername(c, (void *)&cp, &len));
	len = sizeof(sa);
	ASSERT_EQ(0, getsockname(s, (void *)&sa, &len));
	len = sizeof(sp);
	ASSERT_EQ(0, getpeername(s, (void *)&sp, &len));
	EXPECT_EQ(sizeof(sp), len);

	EXPECT_EQ(self->fam, ca.sin_family);
	EXPECT_EQ(self->fam, sp.sin_family);
	EXPECT_EQ(la.sin_port, cp.sin_port);
	EXPECT_EQ(la.sin_addr.s_addr, cp.sin_addr.s_addr);
	EXPECT_EQ(la.sin_port, sa.sin_port);
	EXPECT_EQ(ca.sin_port, sp.sin_port);
	EXPECT_EQ(ca.sin_addr.s_addr, sp.sin_addr.s_addr);
	close(s);
	close(c);
	close(l);
}

TEST_F(api, ioctl_inq_outq)
{
	char buf[1000] = { 0 };
	int c, s, v = -1, i;
	long sent;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(0, ioctl(s, SIOCINQ, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(1000, send(c, buf, 1000, 0));
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, ioctl(s, SIOCINQ, &v));
		if (v == 1000)
			break;
		edu_msleep(10);
	}
	EXPECT_EQ(1000, v);

	/* acknowledged data leaves the send queue */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, ioctl(c, SIOCOUTQ, &v));
		if (!v)
			break;
		edu_msleep(10);
	}
	EXPECT_EQ(0, v);

	/* with the peer's window full, some of it stays queued */
	ASSERT_EQ(0, set_int(s, SOL_SOCKET, SO_RCVBUF, 4096));
	sent = fill_until_eagain(c);
	ASSERT_LT(0, sent);
	ASSERT_EQ(0, ioctl(c, SIOCOUTQ, &v));
	EXPECT_LT(0, v);
	EXPECT_GE(sent, v);
	close(c);
	close(s);

	/* a listener has no byte count to report */
	s = make_listener(self->fam, (struct sockaddr_in *)buf);
	ASSERT_LE(0, s);
	EXPECT_EQ(-1, ioctl(s, SIOCINQ, &v));
	EXPECT_EQ(EINVAL, errno);
	close(s);
}

TEST_F(api, timeouts)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	char buf[65536] = { 0 };
	double t0, dt;
	ssize_t n;
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));

	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = edu_now();
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	dt = edu_now() - t0;
	EXPECT_LE(0.25, dt);
	EXPECT_GE(3.0, dt);

	/* a full send path blocks for SO_SNDTIMEO, then gives up */
	ASSERT_EQ(0, set_int(s, SOL_SOCKET, SO_RCVBUF, 4096));
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	ASSERT_LT(0, fill_until_eagain(c));
	t0 = edu_now();
	n = send(c, buf, sizeof(buf), 0);
	dt = edu_now() - t0;
	EXPECT_TRUE(n == -1 ? errno == EAGAIN : n < (ssize_t)sizeof(buf))
		TH_LOG("send returned %zd (%s)", n, strerror(errno));
	EXPECT_LE(0.25, dt);
	EXPECT_GE(3.0, dt);
	close(c);
	close(s);
}

TEST_F(api, buffer_sizes)
{
	int fd = stream(self->fam, 0);

	ASSERT_LE(0, fd);
	EXPECT_LT(0, get_int(fd, SOL_SOCKET, SO_RCVBUF));
	EXPECT_LT(0, get_int(fd, SOL_SOCKET, SO_SNDBUF));
	/* the kernel doubles the request to account for overhead */
	ASSERT_EQ(0, set_int(fd, SOL_SOCKET, SO_RCVBUF, 65536));
	EXPECT_EQ(131072, get_int(fd, SOL_SOCKET, SO_RCVBUF));
	ASSERT_EQ(0, set_int(fd, SOL_SOCKET, SO_SNDBUF, 65536));
	EXPECT_EQ(131072, get_int(fd, SOL_SOCKET, SO_SNDBUF));
	close(fd);
}

TEST_F(api, linger_zero_resets)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 }, got;
	socklen_t len = sizeof(got);
	char buf[16];
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_EQ(0, getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &len));
	EXPECT_EQ(1, got.l_onoff);
	EXPECT_EQ(0, got.l_linger);
	close(s);
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	/* the error is reported once, then the socket is just closed */
	EXPECT_EQ(0, recv(c, buf, sizeof(buf), 0));
	close(c);
}

TEST_F(api, keepalive_and_so_error)
{
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	EXPECT_EQ(0, get_int(c, SOL_SOCKET, SO_KEEPALIVE));
	ASSERT_EQ(0, set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1));
	EXPECT_EQ(1, get_int(c, SOL_SOCKET, SO_KEEPALIVE));
	ASSERT_EQ(0, set_int(c, SOL_SOCKET, SO_KEEPALIVE, 0));
	EXPECT_EQ(0, get_int(c, SOL_SOCKET, SO_KEEPALIVE));
	EXPECT_EQ(0, get_int(c, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(SOCK_STREAM, get_int(c, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(self->fam, get_int(c, SOL_SOCKET, SO_DOMAIN));
	close(c);
	close(s);
}

TEST_F(api, info)
{
	static char buf[1 << 20];
	struct xinfo ci, si;
	char big[1024];
	socklen_t len;
	size_t n = sizeof(buf), got = 0;
	int c, s, i;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));

	/* a one-byte request gets one byte: the state */
	big[0] = 0;
	len = 1;
	ASSERT_EQ(0, getsockopt(c, variant->level, variant->o_info, big, &len));
	EXPECT_EQ(1, len);
	EXPECT_EQ(EDU_ESTABLISHED, big[0]);

	/* a larger request gets the size the kernel knows, no more */
	len = sizeof(big);
	ASSERT_EQ(0, getsockopt(c, variant->level, variant->o_info, big, &len));
	EXPECT_EQ(variant->edu ? sizeof(struct edu_info) :
		  sizeof(struct tcp_info), len);

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i;
	ASSERT_EQ(n, send(c, buf, n, 0));
	while (got < n) {
		ssize_t r = recv(s, buf, sizeof(buf), 0);

		ASSERT_LT(0, r);
		got += r;
	}
	/* let the last acknowledgment arrive */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, get_xinfo(variant->edu, c, &ci));
		if (ci.bytes_acked >= n)
			break;
		edu_msleep(10);
	}
	ASSERT_EQ(0, get_xinfo(variant->edu, s, &si));
	EXPECT_EQ(EDU_ESTABLISHED, ci.state);
	EXPECT_EQ(EDU_ESTABLISHED, si.state);
	EXPECT_EQ(n, ci.bytes_acked);
	EXPECT_EQ(n, si.bytes_received);
	EXPECT_LT(0, ci.rtt);
	EXPECT_LT(0, ci.snd_mss);
	if (variant->edu) {
		struct edu_info e;

		len = sizeof(e);
		ASSERT_EQ(0, getsockopt(c, SOL_EDU, EDU_INFO, &e, &len));
		EXPECT_LE(n, e.edui_bytes_sent);
		EXPECT_LT(0, e.edui_segs_out);
		EXPECT_LT(0, e.edui_segs_in);
		EXPECT_LT(0, e.edui_rto);
		EXPECT_LT(0, e.edui_snd_cwnd);
		EXPECT_EQ(0, e.edui_unacked);
		EXPECT_EQ(n, e.edui_snd_una - 1) TH_LOG("snd_una counts the SYN");
		EXPECT_EQ(e.edui_snd_una, e.edui_snd_nxt);
		EXPECT_NE(0, e.edui_ca_name[0]);
	}
	close(c);
	close(s);
}

TEST_F(api, congestion)
{
	char name[32], again[32];
	socklen_t len = sizeof(name);
	int fd = stream(self->fam, 0);

	ASSERT_LE(0, fd);
	memset(name, 0, sizeof(name));
	ASSERT_EQ(0, getsockopt(fd, variant->level, variant->o_cong, name, &len));
	EXPECT_EQ(16, len);
	EXPECT_NE(0, name[0]);
	TH_LOG("default congestion control: %s", name);

	/* the current algorithm can be chosen again */
	ASSERT_EQ(0, setsockopt(fd, variant->level, variant->o_cong, name,
				strlen(name)));
	len = sizeof(again);
	ASSERT_EQ(0, getsockopt(fd, variant->level, variant->o_cong, again, &len));
	EXPECT_STREQ(name, again);

	EXPECT_EQ(-1, setsockopt(fd, variant->level, variant->o_cong,
				 "nosuchcc", 8));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, setsockopt(fd, variant->level, variant->o_cong, name, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(api, maxseg)
{
	struct sockaddr_in a;
	struct xinfo xi;
	int l, c, s, v;

	c = stream(self->fam, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, set_int(c, variant->level, variant->o_maxseg, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_int(c, variant->level, variant->o_maxseg, 1 << 30));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, set_int(c, variant->level, variant->o_maxseg, 536));
	EXPECT_EQ(536, get_int(c, variant->level, variant->o_maxseg));

	l = make_listener(self->fam, &a);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	v = get_int(c, variant->level, variant->o_maxseg);
	EXPECT_LT(0, v);
	EXPECT_GE(536, v);
	ASSERT_EQ(0, get_xinfo(variant->edu, c, &xi));
	EXPECT_GE(536, xi.snd_mss);
	/* the peer learned our MSS from the SYN option */
	ASSERT_EQ(0, get_xinfo(variant->edu, s, &xi));
	EXPECT_GE(536, xi.snd_mss);
	close(s);
	close(c);
	close(l);
}

TEST_F(api, nodelay_and_unknown_options)
{
	int fd = stream(self->fam, 0);
	short sh = 1;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, get_int(fd, variant->level, variant->o_nodelay));
	ASSERT_EQ(0, set_int(fd, variant->level, variant->o_nodelay, 1));
	EXPECT_EQ(1, get_int(fd, variant->level, variant->o_nodelay));
	ASSERT_EQ(0, set_int(fd, variant->level, variant->o_nodelay, 0));
	EXPECT_EQ(0, get_int(fd, variant->level, variant->o_nodelay));
	EXPECT_EQ(-1, setsockopt(fd, variant->level, variant->o_nodelay,
				 &sh, sizeof(sh)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_int(fd, variant->level, 99, 1));
	EXPECT_EQ(ENOPROTOOPT, errno);
	EXPECT_EQ(-12345, get_int(fd, variant->level, 99));
	EXPECT_EQ(ENOPROTOOPT, errno);
	close(fd);
}

TEST_HARNESS_MAIN
