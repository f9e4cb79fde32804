// SPDX-License-Identifier: GPL-2.0
/*
 * edustat (scripts/tools/edustat) lists AF_EDU sockets in every state of
 * the connection state machine with the right fields, and its filters
 * (-a, -l, -s STATE, -p PORT) select what they say. The states are made as
 * state_machine.c makes them: a loopback delay keeps FINs in flight, a veth whose peer is down swallows SYNs, and a raw SYN from that
 * silent address leaves a half-open connection on a listener.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdarg.h>

#include "edu_common.h"
#include "kselftest_harness.h"

/* edustat itself takes up to 0.7 s to run in the emulated guest. */
#define DELAY_MS	1000
#define MAX_ROWS	32

/* 10.99.0.1 on a veth whose peer is down: 10.99.0.2 never answers. */
static const char blackhole[] =
	"ip link add edubh0 type veth peer name edubh1 && ip addr add 10.99.0.1/24 dev edubh0 && ip link set edubh0 up";

struct row {
	char state[16], local[64], peer[64], timer[16];
	unsigned int recvq, sendq, cwnd, ssthresh;
	char detail[512];	/* the -i lines under the row */
};

struct listing {
	struct row rows[MAX_ROWS];
	int n;
	char text[8192];
};

/*
 * Run edustat with @args and parse its table: "State Recv-Q Send-Q Local
 * Peer [Timer When] cwnd ssthresh", then the tab-indented -i lines.
 */
static int run_edustat(struct listing *ls, const char *fmt, ...)
{
	char path[PATH_MAX], args[256], cmd[PATH_MAX + 300], line[512];
	size_t used = 0;
	va_list ap;
	FILE *p;

	memset(ls, 0, sizeof(*ls));
	if (edu_find_ko("scripts/tools/edustat", path, sizeof(path)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s", path, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		struct row *r = &ls->rows[ls->n];
		char t[4][16];
		int k;

		used += snprintf(ls->text + used, sizeof(ls->text) - used, "%s", line);
		if (used >= sizeof(ls->text))
			used = sizeof(ls->text) - 1;
		if (line[0] == '\t' && ls->n > 0) {
			struct row *prev = &ls->rows[ls->n - 1];
			size_t have = strlen(prev->detail);

			snprintf(prev->detail + have, sizeof(prev->detail) - have, "%s", line);
			continue;
		}
		if (ls->n == MAX_ROWS || !strncmp(line, "State", 5))
			continue;
		k = sscanf(line, "%15s %u %u %63s %63s %15s %15s %15s %15s", r->state,
			   &r->recvq, &r->sendq, r->local, r->peer, t[0], t[1], t[2], t[3]);
		if (k == 9) {		/* with a timer */
			snprintf(r->timer, sizeof(r->timer), "%s", t[0]);
			r->cwnd = atoi(t[2]);
			r->ssthresh = atoi(t[3]);
		} else if (k == 7) {
			r->cwnd = atoi(t[0]);
			r->ssthresh = atoi(t[1]);
		} else {
			continue;
		}
		ls->n++;
	}
	return pclose(p);
}

static const struct row *find(const struct listing *ls, const char *state,
			      const char *local, const char *peer)
{
	int i;

	for (i = 0; i < ls->n; i++)
		if (!strcmp(ls->rows[i].state, state) &&
		    (!local || !strcmp(ls->rows[i].local, local)) &&
		    (!peer || !strcmp(ls->rows[i].peer, peer)))
			return &ls->rows[i];
	return NULL;
}

/* How many rows are in @state (or in any state but @state with @not). */
static int count(const struct listing *ls, const char *state, bool not)
{
	int i, n = 0;

	for (i = 0; i < ls->n; i++)
		n += !strcmp(ls->rows[i].state, state) != not;
	return n;
}

static char *endpoint(char *buf, const struct sockaddr_in *a)
{
	sprintf(buf, "%s:%u", inet_ntoa(a->sin_addr), ntohs(a->sin_port));
	return buf;
}

static char *local_of(char *buf, int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	getsockname(fd, (void *)&a, &len);
	return endpoint(buf, &a);
}

static char *peer_of(char *buf, int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	getpeername(fd, (void *)&a, &len);
	return endpoint(buf, &a);
}

static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	getsockname(fd, (void *)&a, &len);
	return ntohs(a.sin_port);
}

static int info(int fd, struct edu_info *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	return getsockopt(fd, SOL_EDU, EDU_INFO, i, &len);
}

static int wait_state(int fd, int want)
{
	double end = edu_now() + 4 * DELAY_MS / 1000.0;
	struct edu_info i;

	do {
		if (!info(fd, &i) && i.edui_state == want)
			return want;
		edu_msleep(5);
	} while (edu_now() < end);
	return i.edui_state;
}

FIXTURE(st) {
	int fam;
	int l;			/* a listener on 127.0.0.1 */
	struct sockaddr_in la;
};

FIXTURE_SETUP(st)
{
	char path[PATH_MAX];
	socklen_t len = sizeof(self->la);
	int ret = edu_setup();

	if (ret < 0)
		SKIP(return, "af_edu.ko not available: %s", strerror(-ret));
	if (edu_find_ko("scripts/tools/edustat", path, sizeof(path)))
		SKIP(return, "scripts/tools/edustat not built (make tools)");
	self->fam = ret;
	ASSERT_EQ(0, edu_private_netns());
	/* Loopback slowed down, and 10.99.0.2 behind a veth that never answers. */
	ASSERT_EQ(0, edu_sh("tc qdisc add dev lo root netem delay %dms 2>/dev/null", DELAY_MS));
	ASSERT_EQ(0, edu_sh("%s", blackhole));
	memset(&self->la, 0, sizeof(self->la));
	self->la.sin_family = self->fam;
	inet_pton(AF_INET, "127.0.0.1", &self->la.sin_addr);
	self->l = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->l);
	ASSERT_EQ(0, bind(self->l, (void *)&self->la, sizeof(self->la)));
	ASSERT_EQ(0, listen(self->l, 128));
	ASSERT_EQ(0, getsockname(self->l, (void *)&self->la, &len));
}

FIXTURE_TEARDOWN(st)
{
}

/* A connected pair over the slowed loopback: client @c, server @s. */
static int pair(int fam, int l, const struct sockaddr_in *la, int *c, int *s)
{
	*c = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*c < 0 || connect(*c, (void *)la, sizeof(*la)))
		return -1;
	*s = accept(l, NULL, NULL);
	return *s < 0 ? -1 : 0;
}

/* LISTEN and ESTABLISHED, queues, -i detail, and the filters. */
TEST_F_TIMEOUT(st, listen_established_filters, 120)
{
	char lc[64], ls_[64], ll[64], want[64];
	const struct row *r;
	struct listing ls;
	struct edu_info ic;
	char buf[1000];
	int c, s, i;

	ASSERT_EQ(0, pair(self->fam, self->l, &self->la, &c, &s));
	endpoint(ll, &self->la);
	/* 1000 bytes the server does not read: its Recv-Q */
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ(sizeof(buf), write(c, buf, sizeof(buf)));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1, 3000));
	for (i = 0; i < 500 && !info(c, &ic) && ic.edui_unacked; i++)
		edu_msleep(10);
	ASSERT_EQ(0, ic.edui_unacked);

	/* default: every socket but listeners */
	ASSERT_EQ(0, run_edustat(&ls, ""));
	TH_LOG("edustat:\n%s", ls.text);
	EXPECT_EQ(0, count(&ls, "LISTEN", false));
	r = find(&ls, "ESTABLISHED", local_of(lc, c), peer_of(ls_, c));
	ASSERT_NE(NULL, r) TH_LOG("no client row %s", lc);
	EXPECT_EQ(0, r->recvq);
	EXPECT_EQ(0, r->sendq);
	EXPECT_EQ(ic.edui_snd_cwnd, r->cwnd);
	r = find(&ls, "ESTABLISHED", local_of(lc, s), peer_of(ls_, s));
	ASSERT_NE(NULL, r) TH_LOG("no server row %s", lc);
	EXPECT_EQ(sizeof(buf), r->recvq);

	/* -l: listeners only: backlog in Send-Q, no peer */
	ASSERT_EQ(0, run_edustat(&ls, "-l"));
	EXPECT_EQ(1, ls.n);
	r = find(&ls, "LISTEN", ll, "0.0.0.0:0");
	ASSERT_NE(NULL, r) TH_LOG("no listener %s in\n%s", ll, ls.text);
	EXPECT_EQ(0, r->recvq);
	EXPECT_EQ(128, r->sendq);

	/* -a: all three; -s: one state; -p: one port */
	ASSERT_EQ(0, run_edustat(&ls, "-a"));
	EXPECT_EQ(3, ls.n);
	EXPECT_EQ(1, count(&ls, "LISTEN", false));
	ASSERT_EQ(0, run_edustat(&ls, "-s listen"));
	EXPECT_EQ(1, ls.n);
	ASSERT_EQ(0, run_edustat(&ls, "-s ESTABLISHED"));
	EXPECT_EQ(2, count(&ls, "ESTABLISHED", false));
	EXPECT_EQ(0, count(&ls, "ESTABLISHED", true));
	ASSERT_EQ(0, run_edustat(&ls, "-a -p %d", port_of(c)));
	EXPECT_EQ(2, ls.n) TH_LOG("-p %d:\n%s", port_of(c), ls.text);
	ASSERT_EQ(0, run_edustat(&ls, "-a -p %d", port_of(self->l)));
	EXPECT_EQ(3, ls.n);	/* the listener and both ends use it */
	ASSERT_EQ(0, run_edustat(&ls, "-p 1"));
	EXPECT_EQ(0, ls.n);
	EXPECT_NE(NULL, strstr(ls.text, "no sockets match"));

	/* -i: EDU_INFO of the very socket, borrowed with pidfd_getfd() */
	ASSERT_EQ(0, run_edustat(&ls, "-i -p %d", port_of(c)));
	r = find(&ls, "ESTABLISHED", local_of(lc, c), NULL);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, info(c, &ic));
	TH_LOG("-i detail:\n%s", r->detail);
	snprintf(want, sizeof(want), "pid %d ", getpid());
	EXPECT_NE(NULL, strstr(r->detail, want)) TH_LOG("want \"%s\"", want);
	snprintf(want, sizeof(want), "rtt %.3f/%.3f ms", ic.edui_rtt / 1000.0,
		 ic.edui_rttvar / 1000.0);
	EXPECT_NE(NULL, strstr(r->detail, want)) TH_LOG("want \"%s\"", want);
	snprintf(want, sizeof(want), "cwnd %u ", ic.edui_snd_cwnd);
	EXPECT_NE(NULL, strstr(r->detail, want)) TH_LOG("want \"%s\"", want);
	snprintf(want, sizeof(want), "bytes sent %llu acked %llu",
		 (unsigned long long)ic.edui_bytes_sent,
		 (unsigned long long)ic.edui_bytes_acked);
	EXPECT_NE(NULL, strstr(r->detail, want)) TH_LOG("want \"%s\"", want);
	EXPECT_LT(0, ic.edui_rtt);
	close(c);
	close(s);
}

/* SYN_SENT: a SYN to an address that never answers. */
TEST_F(st, syn_sent)
{
	struct sockaddr_in a = { .sin_family = self->fam, .sin_port = htons(4242) };
	char lc[64];
	const struct row *r;
	struct listing ls;
	int c;

	inet_pton(AF_INET, "10.99.0.2", &a.sin_addr);
	c = socket(self->fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, run_edustat(&ls, "-s syn_sent"));
	TH_LOG("edustat -s syn_sent:\n%s", ls.text);
	EXPECT_EQ(1, ls.n);
	r = find(&ls, "SYN_SENT", local_of(lc, c), "10.99.0.2:4242");
	ASSERT_NE(NULL, r) TH_LOG("no row for %s", lc);
	EXPECT_STREQ("retrans", r->timer);
	EXPECT_EQ(0, r->recvq);
	close(c);
}

/* SYN_RECV: a SYN from the silent address leaves a half-open child. */
TEST_F_TIMEOUT(st, syn_recv, 60)
{
	struct sockaddr_in a = { .sin_family = self->fam };
	struct edu_seg seg = {
		.sport = 40000, .seq = 1000, .flags = EDU_FLAG_SYN, .window = 65535,
	};
	socklen_t len = sizeof(a);
	char want[64];
	const struct row *r = NULL;
	struct listing ls;
	uint8_t pkt[128];
	int l, raw, i;

	l = socket(self->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 8));
	ASSERT_EQ(0, getsockname(l, (void *)&a, &len));
	raw = edu_raw_socket(IPPROTO_EDU);
	ASSERT_LE(0, raw);
	inet_pton(AF_INET, "10.99.0.2", &seg.src);
	inet_pton(AF_INET, "10.99.0.1", &seg.dst);
	seg.dport = ntohs(a.sin_port);
	ASSERT_LT(0, edu_raw_send(raw, pkt, edu_build_packet(pkt, &seg)));
	snprintf(want, sizeof(want), "10.99.0.1:%u", seg.dport);
	for (i = 0; i < 100 && !r; i++) {
		ASSERT_EQ(0, run_edustat(&ls, "-s syn_recv"));
		r = find(&ls, "SYN_RECV", want, "10.99.0.2:40000");
		if (!r)
			edu_msleep(20);
	}
	TH_LOG("edustat -s syn_recv:\n%s", ls.text);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, ls.n);
	EXPECT_STREQ("retrans", r->timer);	/* the SYN,ACK goes unanswered */
	/* the listener is still there, with nothing to accept */
	ASSERT_EQ(0, run_edustat(&ls, "-l -p %u", seg.dport));
	EXPECT_EQ(1, count(&ls, "LISTEN", false));
	close(raw);
	close(l);
}

/*
 * Active close by the client, passive by the server: FIN_WAIT1, FIN_WAIT2
 * and TIME_WAIT on one side, CLOSE_WAIT and LAST_ACK on the other.
 */
TEST_F_TIMEOUT(st, close_states, 60)
{
	char lc[64], pc[64], lsv[64], psv[64];
	const struct row *r;
	struct listing ls;
	int c, s;

	ASSERT_EQ(0, pair(self->fam, self->l, &self->la, &c, &s));
	local_of(lc, c);
	peer_of(pc, c);
	local_of(lsv, s);
	peer_of(psv, s);

	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, run_edustat(&ls, "-s fin_wait1"));
	TH_LOG("edustat -s fin_wait1:\n%s", ls.text);
	r = find(&ls, "FIN_WAIT1", lc, pc);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, ls.n);
	EXPECT_STREQ("retrans", r->timer);	/* the FIN is in flight */

	ASSERT_EQ(EDU_FIN_WAIT2, wait_state(c, EDU_FIN_WAIT2));
	ASSERT_EQ(0, run_edustat(&ls, "-a -p %d", port_of(c)));
	TH_LOG("edustat -a -p %d:\n%s", port_of(c), ls.text);
	EXPECT_NE(NULL, find(&ls, "FIN_WAIT2", lc, pc));
	EXPECT_NE(NULL, find(&ls, "CLOSE_WAIT", lsv, psv));
	EXPECT_EQ(2, ls.n);

	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ASSERT_EQ(0, run_edustat(&ls, "-s last_ack"));
	EXPECT_NE(NULL, find(&ls, "LAST_ACK", lsv, psv)) TH_LOG("%s", ls.text);

	/* TIME_WAIT lasts 2 MSL (2 s): look at once */
	ASSERT_EQ(EDU_TIME_WAIT, wait_state(c, EDU_TIME_WAIT));
	close(c);
	ASSERT_EQ(0, run_edustat(&ls, "-s time-wait"));
	TH_LOG("edustat -s time-wait:\n%s", ls.text);
	r = find(&ls, "TIME_WAIT", lc, pc);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(1, ls.n);
	EXPECT_STREQ("timewait", r->timer);
	ASSERT_EQ(EDU_CLOSE, wait_state(s, EDU_CLOSE));
	close(s);
	/* the server's socket is gone: nothing but TIME_WAIT on the port */
	ASSERT_EQ(0, run_edustat(&ls, "-p %d", port_of(self->l)));
	EXPECT_EQ(0, count(&ls, "TIME_WAIT", true));
}

/*
 * Both ends close at once: each FIN arrives before the other's ACK.
 * CLOSING lasts one delay; a listing only counts if both sockets were
 * still CLOSING after edustat finished reading (a loaded machine may run
 * it slower than that), otherwise the exchange is tried again.
 */
TEST_F_TIMEOUT(st, closing, 90)
{
	char lc[64], pc[64];
	struct edu_info ic, is;
	struct listing ls;
	int c, s, tries;

	for (tries = 1; tries <= 4; tries++) {
		ASSERT_EQ(0, pair(self->fam, self->l, &self->la, &c, &s));
		local_of(lc, c);
		peer_of(pc, c);
		ASSERT_EQ(0, shutdown(c, SHUT_WR));
		ASSERT_EQ(0, shutdown(s, SHUT_WR));
		ASSERT_EQ(EDU_CLOSING, wait_state(c, EDU_CLOSING));
		ASSERT_EQ(0, run_edustat(&ls, "-s closing"));
		ASSERT_EQ(0, info(c, &ic));
		ASSERT_EQ(0, info(s, &is));
		close(c);
		close(s);
		if (ic.edui_state == EDU_CLOSING && is.edui_state == EDU_CLOSING)
			break;
		TH_LOG("try %d: CLOSING ended before edustat read it", tries);
	}
	ASSERT_GE(4, tries);
	TH_LOG("edustat -s closing:\n%s", ls.text);
	EXPECT_NE(NULL, find(&ls, "CLOSING", lc, pc));
	EXPECT_EQ(2, count(&ls, "CLOSING", false));
	EXPECT_EQ(0, count(&ls, "CLOSING", true));
}

/* Bad arguments are refused with a usage message, not a listing. */
TEST_F(st, bad_arguments)
{
	struct listing ls;

	EXPECT_NE(0, run_edustat(&ls, "-s nosuchstate 2>/dev/null"));
	EXPECT_EQ(0, ls.n);
	EXPECT_NE(0, run_edustat(&ls, "-x 2>/dev/null"));
	EXPECT_NE(0, run_edustat(&ls, "-p 70000 2>/dev/null"));
	EXPECT_NE(0, run_edustat(&ls, "-p http 2>/dev/null"));
}

TEST_HARNESS_MAIN
