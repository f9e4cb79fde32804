// SPDX-License-Identifier: GPL-2.0
/*
 * Many connections at once, and a listener under a SYN flood.
 *
 * many_connections: an epoll echo server and 300 simultaneously open
 * client connections, each sending its own pattern several times and
 * checking the echo.
 *
 * syn_flood: while a raw socket sprays SYNs from random source ports at
 * the listener (with correct pseudo-header checksums, so they are real
 * connection attempts), real clients must still connect and be served.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "edu_common.h"
#include "kselftest_harness.h"

#define NCONN	300
#define ROUNDS	3
#define MSGLEN	1000
#define NBACKLOG	8

FIXTURE(conc) {
	int fam;
	pid_t server;
};

FIXTURE_VARIANT(conc) {
	bool edu;
};

FIXTURE_VARIANT_ADD(conc, tcp) {
	.edu = false,
};

FIXTURE_VARIANT_ADD(conc, edu) {
	.edu = true,
};

FIXTURE_SETUP(conc)
{
	struct rlimit rl = { 4096, 4096 };
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
	setrlimit(RLIMIT_NOFILE, &rl);
	ASSERT_EQ(0, edu_private_netns());
}

FIXTURE_TEARDOWN(conc)
{
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
}

/* Echo everything on every connection until killed. */
static void echo_server(int l)
{
	struct epoll_event ev, evs[64];
	static char buf[65536];
	int ep = epoll_create1(0), i, n;

	ev.events = EPOLLIN;
	ev.data.fd = l;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev))
		_exit(1);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		if (n < 0 && errno != EINTR)
			_exit(1);
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == l) {
				int c = accept(l, NULL, NULL);

				if (c < 0)
					continue;
				ev.events = EPOLLIN;
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				continue;
			}
			r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
				continue;
			}
			/* small replies: the send buffer always has room */
			if (send(fd, buf, r, MSG_NOSIGNAL) != r)
				_exit(2);
		}
	}
}

static int start_server(int fam, struct sockaddr_in *a, pid_t *pid)
{
	socklen_t len = sizeof(*a);
	int l = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = fam;
	inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
	if (l < 0 || bind(l, (void *)a, sizeof(*a)) || listen(l, 1024) ||
	    getsockname(l, (void *)a, &len))
		return -1;
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (!*pid)
		echo_server(l);
	close(l);
	return 0;
}

static void pattern(char *p, int conn, int round)
{
	int i;

	for (i = 0; i < MSGLEN; i++)
		p[i] = (char)(conn * 31 + round * 7 + i);
}

static int recv_all(int fd, char *p, int len)
{
	int got = 0;

	while (got < len) {
		ssize_t n = recv(fd, p + got, len - got, 0);

		if (n <= 0)
			return -1;
		got += n;
	}
	return got;
}

TEST_F_TIMEOUT(conc, many_connections, 300)
{
	static int fds[NCONN];
	char out[MSGLEN], in[MSGLEN];
	struct timeval tv = { .tv_sec = 20 * edu_time_factor() };
	struct sockaddr_in a;
	int i, r, bad = 0;
	double t0 = edu_now();

	ASSERT_EQ(0, start_server(self->fam, &a, &self->server));
	for (i = 0; i < NCONN; i++) {
		fds[i] = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, fds[i]);
		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ASSERT_EQ(0, connect(fds[i], (void *)&a, sizeof(a)))
			TH_LOG("connection %d: %s", i, strerror(errno));
	}
	TH_LOG("%d connections open after %.2f s", NCONN, edu_now() - t0);
	for (r = 0; r < ROUNDS; r++) {
		/* all send first, so the server juggles them all at once */
		for (i = 0; i < NCONN; i++) {
			pattern(out, i, r);
			ASSERT_EQ(MSGLEN, send(fds[i], out, MSGLEN, 0));
		}
		for (i = 0; i < NCONN; i++) {
			pattern(out, i, r);
			if (recv_all(fds[i], in, MSGLEN) != MSGLEN ||
			    memcmp(in, out, MSGLEN)) {
				TH_LOG("connection %d round %d: bad echo (%s)",
				       i, r, strerror(errno));
				bad++;
			}
		}
	}
	EXPECT_EQ(0, bad);
	for (i = 0; i < NCONN; i++)
		close(fds[i]);
	TH_LOG("%d x %d echoes in %.2f s", NCONN, ROUNDS, edu_now() - t0);
}

/*
 * More clients than the listen backlog holds, nobody accepting for a
 * second. Linux TCP drops what does not fit and may even lose an idle
 * client for good (its half-open entry expires), so the checks are what
 * TCP guarantees: at least backlog + 1 connections come through, each
 * accepted socket really talks to its client, and afterwards the listener
 * takes a new client at once.
 */
TEST_F_TIMEOUT(conc, backlog_overflow, 120)
{
	struct sockaddr_in a, peer;
	socklen_t len = sizeof(a);
	int l, i, s, n = 0, fds[NBACKLOG], ports[NBACKLOG];
	char c;
	double t0;

	memset(&a, 0, sizeof(a));
	a.sin_family = self->fam;
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	l = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 2));
	ASSERT_EQ(0, getsockname(l, (void *)&a, &len));
	for (i = 0; i < NBACKLOG; i++) {
		fds[i] = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ASSERT_LE(0, fds[i]);
		if (connect(fds[i], (void *)&a, sizeof(a))) {
			ASSERT_EQ(EINPROGRESS, errno);
		}
		len = sizeof(peer);
		ASSERT_EQ(0, getsockname(fds[i], (void *)&peer, &len));
		ports[i] = peer.sin_port;
	}
	edu_msleep(1000);
	t0 = edu_now();
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	while (n < NBACKLOG && edu_now() - t0 < 8) {
		len = sizeof(peer);
		s = accept(l, (void *)&peer, &len);
		if (s < 0) {
			ASSERT_EQ(EAGAIN, errno);
			poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1, 100);
			continue;
		}
		n++;
		/* the accepted socket reaches the client it names */
		for (i = 0; i < NBACKLOG && ports[i] != peer.sin_port; i++)
			;
		ASSERT_GT(NBACKLOG, i) TH_LOG("accepted an unknown client");
		EXPECT_EQ(1, send(s, "x", 1, 0));
		EXPECT_EQ(1, poll(&(struct pollfd){ .fd = fds[i],
						    .events = POLLIN }, 1, 5000));
		EXPECT_EQ(1, recv(fds[i], &c, 1, 0));
		close(s);
	}
	TH_LOG("%d of %d accepted in %.1f s", n, NBACKLOG, edu_now() - t0);
	EXPECT_LE(3, n);
	for (i = 0; i < NBACKLOG; i++)
		close(fds[i]);

	/* a newcomer is served promptly */
	t0 = edu_now();
	i = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, i);
	ASSERT_EQ(0, connect(i, (void *)&a, sizeof(a)));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1,
			  5000));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_GE(3.0, edu_now() - t0);
	close(s);
	close(i);
	close(l);
}

struct flood {
	int proto;
	int dport;
	atomic_bool stop;	/* set by the test, read by the flooder thread */
	unsigned long sent;
};

static void *flooder(void *arg)
{
	struct flood *f = arg;
	uint8_t pkt[64];
	struct edu_seg g = {
		.flags = EDU_FLAG_SYN, .window = 65535, .proto = f->proto,
		.dport = f->dport,
	};
	unsigned int seed = 12345;
	int raw = edu_raw_socket(f->proto);

	if (raw < 0)
		return NULL;
	inet_pton(AF_INET, "127.0.0.1", &g.dst);
	while (!f->stop) {
		size_t n;

		/* random 127/8 source, port below the ephemeral range */
		g.src.s_addr = htonl(0x7f000000 | (rand_r(&seed) & 0xfffffe) |
				     2);
		g.sport = 1024 + rand_r(&seed) % 30000;
		g.seq = rand_r(&seed);
		n = edu_build_packet(pkt, &g);
		if (edu_raw_send(raw, pkt, n) == (ssize_t)n)
			f->sent++;
	}
	close(raw);
	return NULL;
}

TEST_F_TIMEOUT(conc, syn_flood, 300)
{
	struct flood f = { .proto = variant->edu ? IPPROTO_EDU : IPPROTO_TCP };
	struct timeval tv = { .tv_sec = 20 * edu_time_factor() };
	struct edu_stats before, after;
	char out[MSGLEN], in[MSGLEN];
	struct sockaddr_in a;
	pthread_t th;
	int i, ok = 0;
	double t0, worst = 0;

	ASSERT_EQ(0, start_server(self->fam, &a, &self->server));
	f.dport = ntohs(a.sin_port);
	if (variant->edu)
		edu_stats_read(&before);
	ASSERT_EQ(0, pthread_create(&th, NULL, flooder, &f));
	edu_msleep(500);
	t0 = edu_now();
	for (i = 0; i < 50; i++) {
		double c0 = edu_now();
		int fd = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ASSERT_LE(0, fd);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, (void *)&a, sizeof(a))) {
			TH_LOG("client %d: connect: %s", i, strerror(errno));
			close(fd);
			continue;
		}
		pattern(out, i, 0);
		if (send(fd, out, MSGLEN, 0) == MSGLEN &&
		    recv_all(fd, in, MSGLEN) == MSGLEN &&
		    !memcmp(in, out, MSGLEN))
			ok++;
		else
			TH_LOG("client %d: no echo", i);
		close(fd);
		if (edu_now() - c0 > worst)
			worst = edu_now() - c0;
		/*
		 * Spread the clients over a few seconds of flooding; on a
		 * slower kernel the flood is thinner and needs longer to
		 * reach its 1000 SYNs.
		 */
		edu_msleep(40 * edu_time_factor());
	}
	f.stop = true;
	pthread_join(th, NULL);
	TH_LOG("%lu SYNs flooded; 50 clients in %.2f s, slowest %.2f s",
	       f.sent, edu_now() - t0, worst);
	EXPECT_LT(1000, f.sent);
	EXPECT_EQ(50, ok);
	if (variant->edu) {
		edu_msleep(100);
		edu_stats_read(&after);
		edu_stats_print_delta(stderr, &before, &after);
		/* the flood really reached the listener */
		EXPECT_LT(1000, edu_stats_get(&after, "SegsIn") -
			  edu_stats_get(&before, "SegsIn"));
	}
}

EDU_HARNESS_MAIN
