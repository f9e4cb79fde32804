// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and hostile segments, injected through a raw IPv4 socket into
 * a live AF_EDU transfer over loopback: truncated headers, bad data
 * offsets, bad checksums, out-of-window data and resets, SYN+FIN, data to
 * a closed port, empty packets and a maximum-size segment.
 *
 * None of them may change a byte of the stream or end the connection,
 * and each must be counted under its drop reason in /proc/net/edu_stats.
 * The runner checks that the kernel log stays clean.
 *
 * To aim at the live connection the injector watches the real segments
 * with a second raw socket (raw sockets get a copy of every IPPROTO_EDU
 * packet) and takes the current sequence and acknowledgment numbers from
 * them; its own packets carry TTL EDU_INJECT_TTL so it can skip them.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "edu_common.h"
#include "kselftest_harness.h"

#define XFER_BYTES	(16 << 20)
#define MAX_PKT		65535

enum kind {
	K_TRUNCATED,		/* 10 bytes: less than a header */
	K_EMPTY,		/* IP header only */
	K_DOFF_SMALL,		/* data offset 2 words */
	K_DOFF_LARGE,		/* data offset 15 words, 20 bytes there */
	K_BAD_CSUM,		/* in-window data, checksum wrong */
	K_OOW_DATA,		/* data 1 GiB beyond the window */
	K_OLD_DATA,		/* data 1 GiB before the window */
	K_SYN_FIN,
	K_RST_OOW,		/* reset far outside the window */
	K_NO_ACK,		/* data without the ACK bit */
	K_CLOSED_PORT,		/* valid segment to a port nobody has */
	K_MAX_LEN,		/* 65495 bytes of payload, out of window */
	K_REV_BAD_CSUM,		/* toward the sender: bad checksum */
	K_REV_RST_OOW,		/* toward the sender: out-of-window reset */
	K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"truncated", "empty", "doff_small", "doff_large", "bad_csum",
	"oow_data", "old_data", "syn_fin", "rst_oow", "no_ack",
	"closed_port", "max_len", "rev_bad_csum", "rev_rst_oow",
};

FIXTURE(inject) {
	int fam;
	int proto;
	int cport, sport;
	pid_t sender, receiver;
};

/*
 * The tcp variant runs the same injection against kernel TCP: it shows the
 * injector itself never hands the receiver acceptable bytes.
 */
FIXTURE_VARIANT(inject) {
	bool edu;
};

FIXTURE_VARIANT_ADD(inject, tcp) {
	.edu = false,
};

FIXTURE_VARIANT_ADD(inject, edu) {
	.edu = true,
};

FIXTURE_SETUP(inject)
{
	int ret;

	if (variant->edu) {
		ret = edu_setup();
		if (ret < 0)
			SKIP(longjmp(_metadata->env, 1),
			     "af_edu.ko not available: %s", strerror(-ret));
		self->fam = ret;
		self->proto = IPPROTO_EDU;
	} else {
		self->fam = AF_INET;
		self->proto = IPPROTO_TCP;
	}
	ASSERT_EQ(0, edu_private_netns());
}

FIXTURE_TEARDOWN(inject)
{
	if (self->sender > 0)
		kill(self->sender, SIGKILL);
	if (self->receiver > 0)
		kill(self->receiver, SIGKILL);
}

static int send_stream(int fd)
{
	static uint8_t buf[65536];
	struct edu_gen g;
	size_t left = XFER_BYTES;

	edu_gen_init(&g, 7);
	while (left) {
		size_t len = left < sizeof(buf) ? left : sizeof(buf), off = 0;

		edu_gen_fill(&g, buf, len);
		while (off < len) {
			ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);

			if (n < 0) {
				fprintf(stderr, "# sender: %s\n", strerror(errno));
				return 1;
			}
			off += n;
		}
		left -= len;
	}
	shutdown(fd, SHUT_WR);
	/* wait for the receiver's verdict byte */
	return recv(fd, buf, 1, MSG_WAITALL) == 1 && buf[0] == 'k' ? 0 : 2;
}

static int recv_stream(int fd)
{
	static uint8_t buf[65536], want[65536];
	struct edu_gen g;
	size_t got = 0;

	edu_gen_init(&g, 7);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			fprintf(stderr, "# receiver: %s after %zu bytes\n",
				strerror(errno), got);
			return 1;
		}
		if (!n)
			break;
		edu_gen_fill(&g, want, n);
		if (memcmp(buf, want, n)) {
			fprintf(stderr, "# receiver: stream differs near byte %zu\n",
				got);
			return 1;
		}
		got += n;
	}
	if (got != XFER_BYTES) {
		fprintf(stderr, "# receiver: %zu of %d bytes\n", got, XFER_BYTES);
		return 1;
	}
	return send(fd, "k", 1, 0) == 1 ? 0 : 1;
}

/*
 * Drain the sniffer; for each direction of the connection keep the seq and
 * ack (host order) of the newest real segment. d[0]: client -> server.
 */
struct dir {
	bool seen;
	uint32_t seq, ack;
};

static void sniff(int raw, int cport, int sport, struct dir d[2])
{
	static uint8_t pkt[MAX_PKT];
	ssize_t n;

	while ((n = recv(raw, pkt, sizeof(pkt), MSG_DONTWAIT)) >= 40) {
		struct eduhdr *h = (void *)(pkt + (pkt[0] & 0xf) * 4);
		int src = ntohs(h->source), dst = ntohs(h->dest), i;

		if (pkt[8] == EDU_INJECT_TTL || !(h->flags & EDU_FLAG_ACK))
			continue;
		if (src == cport && dst == sport)
			i = 0;
		else if (src == sport && dst == cport)
			i = 1;
		else
			continue;
		d[i].seq = ntohl(h->seq);
		d[i].ack = ntohl(h->ack_seq);
		d[i].seen = true;
	}
}

TEST_F_TIMEOUT(inject, live_transfer_survives, 300)
{
	static uint8_t pkt[MAX_PKT + 100], junk[MAX_PKT];
	struct edu_stats before, after;
	unsigned int sent[K_NKINDS] = { 0 };
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct in_addr lo;
	struct dir d[2] = { 0 };
	int l, c, s, raw, snif, st, k, rounds = 0, small = 65536;
	bool done = false;
	int sender_rc = -1, receiver_rc = -1;
	double t0;

	inet_pton(AF_INET, "127.0.0.1", &lo);
	for (k = 0; k < (int)sizeof(junk); k++)
		junk[k] = k * 13 + 5;

	memset(&a, 0, sizeof(a));
	a.sin_family = self->fam;
	a.sin_addr = lo;
	l = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, getsockname(l, (void *)&a, &len));
	c = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(l);
	self->sport = ntohs(a.sin_port);
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(c, (void *)&a, &len));
	self->cport = ntohs(a.sin_port);

	raw = edu_raw_socket(self->proto);
	ASSERT_LE(0, raw);
	snif = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, self->proto);
	ASSERT_LE(0, snif);
	setsockopt(snif, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (variant->edu) {
		ASSERT_EQ(0, edu_stats_read(&before));
		ASSERT_LT(0, before.n) TH_LOG("no counters in " EDU_STATS_FILE);
	}

	self->receiver = fork();
	ASSERT_LE(0, self->receiver);
	if (!self->receiver) {
		close(c);
		_exit(recv_stream(s));
	}
	self->sender = fork();
	ASSERT_LE(0, self->sender);
	if (!self->sender) {
		close(s);
		_exit(send_stream(c));
	}
	close(c);
	close(s);

	t0 = edu_now();
	while (!done) {
		struct edu_seg g = {
			.src = lo, .dst = lo, .window = 1024,
			.payload = junk, .plen = 100,
		};
		size_t n;

		sniff(snif, self->cport, self->sport, d);
		if (!d[0].seen) {
			edu_msleep(2);
			goto reap;
		}
		for (k = 0; k < K_NKINDS; k++) {
			g = (struct edu_seg){
				.src = lo, .dst = lo, .window = 1024,
				.proto = self->proto,
				.sport = self->cport, .dport = self->sport,
				.seq = d[0].seq, .ack = d[0].ack,
				.flags = EDU_FLAG_ACK, .payload = junk,
				.plen = 100,
			};
			switch (k) {
			case K_TRUNCATED:
				n = edu_build_packet(pkt, &g);
				n = 20 + 10;
				pkt[2] = 0;
				pkt[3] = n;
				break;
			case K_EMPTY:
				n = edu_build_packet(pkt, &g);
				n = 20;
				pkt[2] = 0;
				pkt[3] = n;
				break;
			case K_DOFF_SMALL:
				g.doff_words = 2;
				n = edu_build_packet(pkt, &g);
				break;
			case K_DOFF_LARGE:
				g.doff_words = 15;
				g.plen = 0;
				n = edu_build_packet(pkt, &g);
				break;
			case K_BAD_CSUM:
				/*
				 * aimed at the receiver's RCV.NXT (the ack it
				 * sent last): accepted, it would corrupt the
				 * stream
				 */
				if (d[1].seen)
					g.seq = d[1].ack;
				g.bad_csum = true;
				n = edu_build_packet(pkt, &g);
				break;
			case K_OOW_DATA:
				g.seq = d[0].seq + (1U << 30);
				n = edu_build_packet(pkt, &g);
				break;
			case K_OLD_DATA:
				g.seq = d[0].seq - (1U << 30);
				n = edu_build_packet(pkt, &g);
				break;
			case K_SYN_FIN:
				g.flags = EDU_FLAG_SYN | EDU_FLAG_FIN;
				g.plen = 0;
				n = edu_build_packet(pkt, &g);
				break;
			case K_RST_OOW:
				g.flags = EDU_FLAG_RST;
				g.seq = d[0].seq + (1U << 30);
				g.plen = 0;
				n = edu_build_packet(pkt, &g);
				break;
			case K_NO_ACK:
				g.flags = EDU_FLAG_PSH;
				g.seq = d[0].seq + (1U << 30);
				n = edu_build_packet(pkt, &g);
				break;
			case K_CLOSED_PORT:
				g.dport = 9;
				n = edu_build_packet(pkt, &g);
				break;
			case K_MAX_LEN:
				g.seq = d[0].seq + (1U << 30);
				g.plen = MAX_PKT - 40;
				n = edu_build_packet(pkt, &g);
				break;
			case K_REV_BAD_CSUM:
			case K_REV_RST_OOW:
				if (!d[1].seen)
					continue;
				g.sport = self->sport;
				g.dport = self->cport;
				g.seq = d[1].seq;
				g.ack = d[1].ack;
				if (k == K_REV_BAD_CSUM) {
					g.bad_csum = true;
				} else {
					g.flags = EDU_FLAG_RST;
					g.seq = d[1].seq + (1U << 30);
					g.plen = 0;
				}
				n = edu_build_packet(pkt, &g);
				break;
			default:
				continue;
			}
			if (edu_raw_send(raw, pkt, n) == (ssize_t)n)
				sent[k]++;
		}
		rounds++;
		edu_msleep(5);
reap:
		if (sender_rc < 0 && waitpid(self->sender, &st, WNOHANG) > 0) {
			sender_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
			self->sender = 0;
		}
		if (receiver_rc < 0 &&
		    waitpid(self->receiver, &st, WNOHANG) > 0) {
			receiver_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
			self->receiver = 0;
		}
		done = sender_rc >= 0 && receiver_rc >= 0;
		if (edu_now() - t0 > 240)
			break;
	}
	TH_LOG("%d rounds of injection in %.1f s", rounds, edu_now() - t0);
	for (k = 0; k < K_NKINDS; k++)
		TH_LOG("  %-13s %u sent", kind_names[k], sent[k]);
	EXPECT_EQ(0, receiver_rc);
	EXPECT_EQ(0, sender_rc);
	ASSERT_LT(0, rounds);

	if (!variant->edu) {
		close(raw);
		close(snif);
		return;
	}
	/* let the last injected packets be processed */
	edu_msleep(200);
	ASSERT_EQ(0, edu_stats_read(&after));
	edu_stats_print_delta(stderr, &before, &after);

#define GREW(name, atleast) \
	EXPECT_LE((long long)(atleast), edu_stats_get(&after, name) - \
		  edu_stats_get(&before, name)) TH_LOG("counter %s", name)

	GREW("DropShort", sent[K_TRUNCATED] + sent[K_EMPTY]);
	GREW("DropBadDataOffset", sent[K_DOFF_SMALL] + sent[K_DOFF_LARGE]);
	GREW("DropBadChecksum", sent[K_BAD_CSUM] + sent[K_REV_BAD_CSUM]);
	GREW("DropBadFlags", sent[K_SYN_FIN]);
	GREW("DropNoSocket", sent[K_CLOSED_PORT]);
	/* a reset outside the window is ignored (RFC 9293 3.10.7.4) */
	GREW("DropRstInvalid", 1);
	GREW("DropOutOfWindow", 1);
	/* out-of-window data, each answered by an ACK at most */
	EXPECT_LE((long long)(sent[K_OOW_DATA] + sent[K_OLD_DATA] +
			      sent[K_MAX_LEN] + sent[K_NO_ACK] +
			      sent[K_RST_OOW] + sent[K_REV_RST_OOW]),
		  edu_stats_delta_matching(&before, &after, "Drop") -
		  (sent[K_TRUNCATED] + sent[K_EMPTY] + sent[K_DOFF_SMALL] +
		   sent[K_DOFF_LARGE] + sent[K_BAD_CSUM] +
		   sent[K_REV_BAD_CSUM] + sent[K_SYN_FIN] +
		   sent[K_CLOSED_PORT]));
	/* nothing reset the connection */
	EXPECT_EQ(0, edu_stats_get(&after, "EstabResets") -
		  edu_stats_get(&before, "EstabResets"));
	close(raw);
	close(snif);
}

/* The same malformed segments against a listener and with no one there. */
TEST_F(inject, listener_and_closed_port)
{
	static uint8_t pkt[MAX_PKT + 100], junk[128];
	struct edu_stats before, after;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct in_addr lo;
	int l, raw, i, c, sc;
	size_t n;

	if (!variant->edu)
		SKIP(return, "counts AF_EDU drop reasons");
	inet_pton(AF_INET, "127.0.0.1", &lo);
	memset(&a, 0, sizeof(a));
	a.sin_family = self->fam;
	a.sin_addr = lo;
	l = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(l, 8));
	ASSERT_EQ(0, getsockname(l, (void *)&a, &len));
	raw = edu_raw_socket(IPPROTO_EDU);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, edu_stats_read(&before));

	for (i = 0; i < 50; i++) {
		struct edu_seg g = {
			.src = lo, .dst = lo, .sport = 20000 + i,
			.dport = ntohs(a.sin_port), .seq = 1, .ack = 1,
			.window = 1024, .payload = junk, .plen = 64,
		};

		/* SYN+FIN, SYN with a bad checksum, bare data, ACK only */
		g.flags = EDU_FLAG_SYN | EDU_FLAG_FIN;
		n = edu_build_packet(pkt, &g);
		ASSERT_EQ(n, edu_raw_send(raw, pkt, n));
		g.flags = EDU_FLAG_SYN;
		g.bad_csum = true;
		n = edu_build_packet(pkt, &g);
		ASSERT_EQ(n, edu_raw_send(raw, pkt, n));
		g.bad_csum = false;
		g.flags = EDU_FLAG_ACK | EDU_FLAG_PSH;
		n = edu_build_packet(pkt, &g);
		ASSERT_EQ(n, edu_raw_send(raw, pkt, n));
		g.dport = 9;
		n = edu_build_packet(pkt, &g);
		ASSERT_EQ(n, edu_raw_send(raw, pkt, n));
	}
	edu_msleep(200);
	ASSERT_EQ(0, edu_stats_read(&after));
	edu_stats_print_delta(stderr, &before, &after);
	GREW("DropBadFlags", 50);
	GREW("DropBadChecksum", 50);
	GREW("DropNoSocket", 50);
	GREW("RstSent", 50);

	/* nothing reached the accept queue; a real client still gets in */
	EXPECT_EQ(0, poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1, 0));
	c = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (void *)&a, sizeof(a)));
	sc = accept(l, NULL, NULL);
	ASSERT_LE(0, sc);
	ASSERT_EQ(2, send(c, "hi", 2, 0));
	EXPECT_EQ(2, recv(sc, junk, sizeof(junk), 0));
	close(sc);
	close(c);
	close(l);
	close(raw);
}

TEST_HARNESS_MAIN
