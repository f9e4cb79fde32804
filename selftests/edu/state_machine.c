// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine of RFC 9293 section 3.3.2, one transition
 * at a time, observed through EDU_INFO (TCP_INFO for the tcp variant) and
 * through /proc/net/edu (/proc/net/tcp).
 *
 * Transient states are made observable by slowing the loopback device
 * down with tc netem (a 300 ms one-way delay) in the test's private
 * network namespace: a FIN then stays unacknowledged for 600 ms.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <poll.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include "edu_common.h"
#include "kselftest_harness.h"

#define DELAY_MS 300

FIXTURE(sm) {
	int fam;
	const char *proc;
};

FIXTURE_VARIANT(sm) {
	bool edu;
};

FIXTURE_VARIANT_ADD(sm, tcp) {
	.edu = false,
};

FIXTURE_VARIANT_ADD(sm, edu) {
	.edu = true,
};

FIXTURE_SETUP(sm)
{
	int ret;

	if (variant->edu) {
		ret = edu_setup();
		if (ret < 0)
			SKIP(longjmp(_metadata->env, 1),
			     "af_edu.ko not available: %s", strerror(-ret));
		self->fam = ret;
		self->proc = EDU_PROC_FILE;
	} else {
		self->fam = AF_INET;
		self->proc = "/proc/net/tcp";
	}
	ASSERT_EQ(0, edu_private_netns());
}

FIXTURE_TEARDOWN(sm)
{
}

static const char *const state_names[] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

static const char *sname(int st)
{
	return st > 0 && st < EDU_MAX_STATES ? state_names[st] : "none";
}

static int xstate(bool edu, int fd)
{
	union {
		struct tcp_info t;
		struct edu_info e;
	} u;
	socklen_t len = sizeof(u);

	if (getsockopt(fd, edu ? SOL_EDU : IPPROTO_TCP,
		       edu ? EDU_INFO : TCP_INFO, &u, &len))
		return -1;
	return edu ? u.e.edui_state : u.t.tcpi_state;
}

/* Poll until @fd is in @want (up to @ms); the state it ended in. */
static int wait_state(bool edu, int fd, int want, int ms)
{
	double end = edu_now() + ms / 1000.0;
	int st;

	do {
		st = xstate(edu, fd);
		if (st == want)
			break;
		edu_msleep(5);
	} while (edu_now() < end);
	return st;
}

static int wait_proc_state(const char *file, int lport, int rport, int want,
			   int ms)
{
	double end = edu_now() + ms / 1000.0;
	int st;

	do {
		st = edu_proc_state(file, lport, rport);
		if (st == want)
			break;
		edu_msleep(5);
	} while (edu_now() < end);
	return st;
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

static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (void *)&a, &len))
		return -1;
	return ntohs(a.sin_port);
}

static int make_listener(int fam, const char *ip, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*a = mkaddr(fam, ip, 0);
	if (fd < 0 || bind(fd, (void *)a, sizeof(*a)) || listen(fd, 128) ||
	    getsockname(fd, (void *)a, &len))
		return -1;
	if (!strcmp(ip, "0.0.0.0"))
		inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
	return fd;
}

static int make_pair(int fam, int *c, int *s)
{
	struct sockaddr_in a;
	int l = make_listener(fam, "127.0.0.1", &a);

	if (l < 0)
		return -1;
	*c = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*c < 0 || connect(*c, (void *)&a, sizeof(a)))
		return -1;
	*s = accept(l, NULL, NULL);
	close(l);
	return *s < 0 ? -1 : 0;
}

static int lo_delay(int ms)
{
	return edu_sh("tc qdisc add dev lo root netem delay %dms 2>/dev/null",
		      ms);
}

/* veth edubh0 has 10.99.0.1/24; 10.99.0.2 never answers (peer is down) */
static int blackhole(void)
{
	return edu_sh("ip link add edubh0 type veth peer name edubh1 && "
		      "ip addr add 10.99.0.1/24 dev edubh0 && "
		      "ip link set edubh0 up");
}

#define EXPECT_STATE(want, got) \
	EXPECT_EQ(want, got) TH_LOG("state %s, expected %s", sname(got), \
				     sname(want))

TEST_F(sm, listen)
{
	struct sockaddr_in a;
	int l = make_listener(self->fam, "127.0.0.1", &a);

	ASSERT_LE(0, l);
	EXPECT_STATE(EDU_LISTEN, xstate(variant->edu, l));
	EXPECT_STATE(EDU_LISTEN,
		     edu_proc_state(self->proc, ntohs(a.sin_port), 0));
	close(l);
	EXPECT_EQ(-1, edu_proc_state(self->proc, ntohs(a.sin_port), 0));
}

TEST_F(sm, syn_sent)
{
	struct sockaddr_in a = mkaddr(self->fam, "10.99.0.2", 4242);
	int c, port;

	ASSERT_EQ(0, blackhole());
	c = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, c);
	EXPECT_STATE(EDU_CLOSE, xstate(variant->edu, c));
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_STATE(EDU_SYN_SENT, xstate(variant->edu, c));
	port = port_of(c);
	EXPECT_STATE(EDU_SYN_SENT, edu_proc_state(self->proc, port, 4242));
	/* SYNs are retransmitted, the state stays */
	edu_msleep(1500);
	EXPECT_STATE(EDU_SYN_SENT, xstate(variant->edu, c));
	close(c);
	EXPECT_EQ(-1, edu_proc_state(self->proc, port, 4242));
}

/* SYN_SENT -> CLOSED when the SYN retries run out: ETIMEDOUT. */
TEST_F(sm, syn_sent_timeout)
{
	const char *knob = variant->edu ? "/proc/sys/net/edu/syn_retries" :
					  "/proc/sys/net/ipv4/tcp_syn_retries";
	struct sockaddr_in a = mkaddr(self->fam, "10.99.0.2", 4243);
	double t0, dt;
	int c;

	ASSERT_EQ(0, blackhole());
	ASSERT_EQ(0, edu_sh("echo 1 > %s", knob)) TH_LOG("no %s", knob);
	c = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	t0 = edu_now();
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	EXPECT_EQ(ETIMEDOUT, errno);
	dt = edu_now() - t0;
	TH_LOG("gave up after %.1f s", dt);
	/* one retry: the initial RTO (1 s) plus the doubled one (2 s) */
	EXPECT_LE(2.5, dt);
	EXPECT_GE(10.0, dt);
	EXPECT_STATE(EDU_CLOSE, xstate(variant->edu, c));
	close(c);
}

/*
 * A SYN from 10.99.0.2, which never answers, leaves a half-open
 * connection (SYN_RECV) on the listener while the SYN-ACK goes unanswered.
 */
TEST_F(sm, syn_recv)
{
	struct sockaddr_in a;
	struct edu_seg seg = {
		.sport = 40000, .seq = 1000, .flags = EDU_FLAG_SYN,
		.window = 65535,
		.proto = variant->edu ? IPPROTO_EDU : IPPROTO_TCP,
	};
	uint8_t pkt[128];
	int l, raw, st;

	ASSERT_EQ(0, blackhole());
	l = make_listener(self->fam, "0.0.0.0", &a);
	ASSERT_LE(0, l);
	raw = edu_raw_socket(seg.proto);
	ASSERT_LE(0, raw);
	inet_pton(AF_INET, "10.99.0.2", &seg.src);
	inet_pton(AF_INET, "10.99.0.1", &seg.dst);
	seg.dport = ntohs(a.sin_port);
	ASSERT_LT(0, edu_raw_send(raw, pkt, edu_build_packet(pkt, &seg)));
	st = wait_proc_state(self->proc, seg.dport, seg.sport, EDU_SYN_RECV,
			     2000);
	EXPECT_STATE(EDU_SYN_RECV, st);
	/* the listener itself is still listening, nothing to accept */
	EXPECT_STATE(EDU_LISTEN, xstate(variant->edu, l));
	EXPECT_EQ(0, poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1, 0));
	close(raw);
	close(l);
}

TEST_F(sm, established)
{
	int c, s;

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	EXPECT_STATE(EDU_ESTABLISHED, xstate(variant->edu, c));
	EXPECT_STATE(EDU_ESTABLISHED, xstate(variant->edu, s));
	EXPECT_STATE(EDU_ESTABLISHED,
		     edu_proc_state(self->proc, port_of(c), port_of(s)));
	EXPECT_STATE(EDU_ESTABLISHED,
		     edu_proc_state(self->proc, port_of(s), port_of(c)));
	close(c);
	close(s);
}

/*
 * Active close by the client, passive by the server:
 * ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT on the client,
 * ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED on the server.
 */
TEST_F(sm, active_and_passive_close)
{
	int c, s, cport, sport;

	if (lo_delay(DELAY_MS))
		SKIP(return, "tc netem not available");
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	cport = port_of(c);
	sport = port_of(s);

	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_STATE(EDU_FIN_WAIT1, xstate(variant->edu, c));
	EXPECT_STATE(EDU_FIN_WAIT1, edu_proc_state(self->proc, cport, sport));
	EXPECT_STATE(EDU_FIN_WAIT2,
		     wait_state(variant->edu, c, EDU_FIN_WAIT2, 3000));
	EXPECT_STATE(EDU_CLOSE_WAIT, xstate(variant->edu, s));
	EXPECT_STATE(EDU_CLOSE_WAIT, edu_proc_state(self->proc, sport, cport));

	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_STATE(EDU_LAST_ACK, xstate(variant->edu, s));
	EXPECT_STATE(EDU_LAST_ACK, edu_proc_state(self->proc, sport, cport));
	EXPECT_STATE(EDU_TIME_WAIT,
		     wait_proc_state(self->proc, cport, sport, EDU_TIME_WAIT,
				     3000));
	EXPECT_STATE(EDU_CLOSE, wait_state(variant->edu, s, EDU_CLOSE, 3000));
	EXPECT_EQ(-1, edu_proc_state(self->proc, sport, cport));
	close(c);
	close(s);
	/* closing the descriptor does not end TIME_WAIT */
	EXPECT_STATE(EDU_TIME_WAIT, edu_proc_state(self->proc, cport, sport));
}

/* Both ends close at once: FIN_WAIT1 -> CLOSING -> TIME_WAIT on both. */
TEST_F(sm, simultaneous_close)
{
	int c, s, cport, sport;

	if (lo_delay(DELAY_MS))
		SKIP(return, "tc netem not available");
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	cport = port_of(c);
	sport = port_of(s);

	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_STATE(EDU_FIN_WAIT1, xstate(variant->edu, c));
	EXPECT_STATE(EDU_FIN_WAIT1, xstate(variant->edu, s));
	/* each FIN arrives before the ACK of the other */
	EXPECT_STATE(EDU_CLOSING,
		     wait_state(variant->edu, c, EDU_CLOSING, 3000));
	EXPECT_STATE(EDU_CLOSING, edu_proc_state(self->proc, sport, cport));
	EXPECT_STATE(EDU_TIME_WAIT,
		     wait_proc_state(self->proc, cport, sport, EDU_TIME_WAIT,
				     3000));
	EXPECT_STATE(EDU_TIME_WAIT,
		     wait_proc_state(self->proc, sport, cport, EDU_TIME_WAIT,
				     3000));
	close(c);
	close(s);
}

/*
 * Two sockets connect to each other at the same time (RFC 9293 3.5,
 * figure 8): SYN_SENT -> SYN_RECV -> ESTABLISHED without a listener.
 */
TEST_F(sm, simultaneous_open)
{
	struct sockaddr_in a = mkaddr(self->fam, "127.0.0.1", 0), b = a;
	socklen_t len = sizeof(a);
	char buf[8];
	int x, y;

	if (lo_delay(DELAY_MS))
		SKIP(return, "tc netem not available");
	x = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	y = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, x);
	ASSERT_LE(0, y);
	ASSERT_EQ(0, bind(x, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, bind(y, (void *)&b, sizeof(b)));
	ASSERT_EQ(0, getsockname(x, (void *)&a, &len));
	len = sizeof(b);
	ASSERT_EQ(0, getsockname(y, (void *)&b, &len));

	EXPECT_EQ(-1, connect(x, (void *)&b, sizeof(b)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_EQ(-1, connect(y, (void *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_STATE(EDU_SYN_SENT, xstate(variant->edu, x));
	EXPECT_STATE(EDU_SYN_SENT, xstate(variant->edu, y));
	/* a SYN (not a SYN-ACK) arrives in SYN_SENT */
	EXPECT_STATE(EDU_SYN_RECV,
		     wait_state(variant->edu, x, EDU_SYN_RECV, 3000));
	EXPECT_STATE(EDU_ESTABLISHED,
		     wait_state(variant->edu, x, EDU_ESTABLISHED, 5000));
	EXPECT_STATE(EDU_ESTABLISHED,
		     wait_state(variant->edu, y, EDU_ESTABLISHED, 5000));
	EXPECT_EQ(0, ({ int e = -1; socklen_t l = sizeof(e);
		       getsockopt(x, SOL_SOCKET, SO_ERROR, &e, &l); e; }));

	/* and it carries data both ways */
	ASSERT_EQ(0, fcntl(x, F_SETFL, 0));
	ASSERT_EQ(0, fcntl(y, F_SETFL, 0));
	ASSERT_EQ(4, send(x, "ping", 4, 0));
	EXPECT_EQ(4, recv(y, buf, sizeof(buf), 0));
	ASSERT_EQ(4, send(y, "pong", 4, 0));
	EXPECT_EQ(4, recv(x, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	close(x);
	close(y);
}

/* Write @val to the variant's sysctl: net.edu.@edu or net.ipv4.@tcp. */
static int knob(bool edu, const char *edu_name, const char *tcp_name,
		const char *val)
{
	return edu_sh("echo %s > /proc/sys/net/%s/%s", val,
		      edu ? "edu" : "ipv4", edu ? edu_name : tcp_name);
}

static int lo_loss_all(void)
{
	return edu_sh("tc qdisc add dev lo root netem loss 100%% 2>/dev/null");
}

/*
 * An established connection whose peer falls silent: the retransmission
 * timer backs off, gives up after the configured retries, and the
 * connection ends with ETIMEDOUT (RFC 9293 3.8.3, R2).
 */
TEST_F(sm, retransmission_gives_up)
{
	char buf[1000] = { 0 };
	double t0, dt;
	int c, s;

	ASSERT_EQ(0, knob(variant->edu, "retries", "tcp_retries2", "3"));
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	if (lo_loss_all())
		SKIP(return, "tc netem not available");
	t0 = edu_now();
	ASSERT_EQ(sizeof(buf), send(c, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	dt = edu_now() - t0;
	TH_LOG("gave up after %.1f s", dt);
	EXPECT_LE(1.0, dt);
	EXPECT_GE(30.0, dt);
	EXPECT_STATE(EDU_CLOSE, xstate(variant->edu, c));
	close(c);
	close(s);
}

/* Keepalive probes find a silent peer and end the connection. */
TEST_F(sm, keepalive_timeout)
{
	char buf[16];
	double t0, dt;
	int c, s, one = 1;

	if (variant->edu) {
		ASSERT_EQ(0, knob(true, "keepalive_time_ms", NULL, "1000"));
		ASSERT_EQ(0, knob(true, "keepalive_intvl_ms", NULL, "500"));
		ASSERT_EQ(0, knob(true, "keepalive_probes", NULL, "2"));
	}
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	if (!variant->edu) {
		ASSERT_EQ(0, setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &one,
					sizeof(one)));
		ASSERT_EQ(0, setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &one,
					sizeof(one)));
		one = 2;
		ASSERT_EQ(0, setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &one,
					sizeof(one)));
		one = 1;
	}
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	/* an idle connection that answers its probes stays up */
	edu_msleep(2500);
	EXPECT_STATE(EDU_ESTABLISHED, xstate(variant->edu, c));
	if (variant->edu)
		EXPECT_LT(0, edu_stat("KeepaliveProbes"));
	if (lo_loss_all())
		SKIP(return, "tc netem not available");
	t0 = edu_now();
	EXPECT_EQ(-1, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	dt = edu_now() - t0;
	TH_LOG("keepalive gave up after %.1f s", dt);
	EXPECT_GE(15.0, dt);
	close(c);
	close(s);
}

/*
 * An orphaned FIN_WAIT2 (closed by the application, peer never closes)
 * does not live forever: it goes after the FIN-WAIT-2 timeout.
 */
TEST_F(sm, fin_wait2_timeout)
{
	int c, s, cport, sport, st;
	double t0;

	ASSERT_EQ(0, knob(variant->edu, "fin_timeout_ms", "tcp_fin_timeout",
			  variant->edu ? "1000" : "1"));
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	cport = port_of(c);
	sport = port_of(s);
	close(c);
	t0 = edu_now();
	EXPECT_STATE(EDU_FIN_WAIT2,
		     wait_proc_state(self->proc, cport, sport, EDU_FIN_WAIT2,
				     2000));
	EXPECT_STATE(EDU_CLOSE_WAIT, xstate(variant->edu, s));
	do {
		st = edu_proc_state(self->proc, cport, sport);
		if (st != EDU_FIN_WAIT2)
			break;
		edu_msleep(20);
	} while (edu_now() - t0 < 10);
	TH_LOG("FIN_WAIT2 left after %.2f s (state now %s)", edu_now() - t0,
	       sname(st));
	EXPECT_NE(EDU_FIN_WAIT2, st);
	close(s);
}

/* The MSL knob: a sysctl under net.edu or a module parameter. */
static int read_msl_ms(char *path, size_t len)
{
	static const char *const pats[] = {
		"/proc/sys/net/edu/*msl*", "/sys/module/af_edu/parameters/*msl*",
		"/proc/sys/net/edu/*time_wait*",
	};
	unsigned int i;
	glob_t g;
	long v;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		if (glob(pats[i], 0, NULL, &g))
			continue;
		snprintf(path, len, "%s", g.gl_pathv[0]);
		globfree(&g);
		v = edu_read_long(path);
		if (v <= 0)
			continue;
		/* a name ending in _ms is milliseconds, else seconds */
		return strstr(path, "ms") ? v : v * 1000;
	}
	return -1;
}

TEST_F(sm, time_wait_expiry)
{
	char path[256];
	int c, s, cport, sport, msl, st;
	double t0, dt;

	if (!variant->edu)
		SKIP(return, "TCP's TIME_WAIT is a fixed 60 s");
	msl = read_msl_ms(path, sizeof(path));
	ASSERT_LT(0, msl) TH_LOG("no MSL knob in /proc/sys/net/edu or the module parameters");
	/* shorten it for this namespace when it can be set */
	if (msl > 1000 && strstr(path, "_ms") &&
	    edu_sh("echo 1000 > %s", path) == 0)
		msl = 1000;
	TH_LOG("MSL %d ms from %s", msl, path);
	ASSERT_GE(30000, msl) TH_LOG("MSL too long to wait for in a test");

	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	cport = port_of(c);
	sport = port_of(s);
	close(c);
	close(s);
	t0 = edu_now();
	EXPECT_STATE(EDU_TIME_WAIT,
		     wait_proc_state(self->proc, cport, sport, EDU_TIME_WAIT,
				     2000));
	/* still there at half of 2*MSL */
	edu_msleep(msl);
	EXPECT_STATE(EDU_TIME_WAIT, edu_proc_state(self->proc, cport, sport));
	/* gone soon after 2*MSL */
	do {
		st = edu_proc_state(self->proc, cport, sport);
		if (st < 0)
			break;
		edu_msleep(20);
	} while (edu_now() - t0 < 2 * msl / 1000.0 + 3);
	dt = edu_now() - t0;
	EXPECT_EQ(-1, st) TH_LOG("TIME_WAIT still there after %.1f s", dt);
	EXPECT_LE(2 * msl / 1000.0 - 0.1, dt);
	TH_LOG("TIME_WAIT lasted %.2f s (2*MSL = %.2f s)", dt, 2 * msl / 1000.0);
}

/*
 * A live socket pins the module: delete_module() must refuse. The kernel
 * answers EWOULDBLOCK for a module in use (rmmod's "is in use").
 */
TEST_F(sm, rmmod_refused_while_sockets_exist)
{
	long before, during, after = -1;
	int c, s, ret, i;

	if (!variant->edu)
		SKIP(return, "module test");
	before = edu_read_long("/sys/module/af_edu/refcnt");
	ASSERT_EQ(0, make_pair(self->fam, &c, &s));
	during = edu_read_long("/sys/module/af_edu/refcnt");
	EXPECT_LT(before, during);
	ret = syscall(SYS_delete_module, "af_edu", O_NONBLOCK);
	if (ret == 0) {
		/* it went away under live sockets: put it back, then fail */
		close(c);
		close(s);
		edu_setup();
		ASSERT_NE(0, ret) TH_LOG("af_edu unloaded with sockets open");
	}
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(0, access("/sys/module/af_edu", F_OK));

	/* an abortive close leaves no TIME_WAIT behind */
	setsockopt(c, SOL_SOCKET, SO_LINGER,
		   &(struct linger){ .l_onoff = 1, .l_linger = 0 },
		   sizeof(struct linger));
	close(c);
	close(s);
	for (i = 0; i < 200; i++) {
		after = edu_read_long("/sys/module/af_edu/refcnt");
		if (after <= before)
			break;
		edu_msleep(10);
	}
	EXPECT_GE(before, after) TH_LOG("refcnt %ld before, %ld after close",
					before, after);
}

TEST_HARNESS_MAIN
