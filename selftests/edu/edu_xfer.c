// SPDX-License-Identifier: GPL-2.0
/*
 * edu_xfer: a byte-exact bulk transfer over AF_EDU or kernel TCP, for the
 * shell tests.
 *
 * The client sends a deterministic pseudo-random stream (xorshift64*,
 * seeded with -S); the server regenerates the same stream and compares
 * every byte it reads, hashes what it got (FNV-1a 64) and sends the hash
 * back, so both ends agree that the same bytes arrived. At the end each
 * side prints one "info" line from EDU_INFO / TCP_INFO that the scripts
 * grep for retransmissions and zero-window probes.
 *
 *   edu_xfer -l [-f edu|tcp] [-a ADDR] -p PORT [-n BYTES] [-b RCVBUF]
 *            [-D FIRST_READ_DELAY_MS] [-d PER_READ_DELAY_MS] [-r READ_SIZE]
 *   edu_xfer -c ADDR -p PORT [-f edu|tcp] [-n BYTES] [-B SNDBUF]
 *            [-C CONGESTION_CONTROL]
 *   common:  [-S SEED] [-t TIMEOUT_S]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/tcp.h>

#include "edu_common.h"

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static struct {
	bool listen, edu;
	const char *addr;
	int port;
	long long bytes;
	int rcvbuf, sndbuf;
	int first_delay_ms, read_delay_ms;
	int read_size;
	uint64_t seed;
	int timeout;
	const char *cong;
} opt = {
	.edu = true,
	.bytes = 64LL << 20,
	.read_size = 65536,
	.seed = 1,
	.timeout = 300,
};

static int family;

static void on_alarm(int sig)
{
	static const char msg[] = "edu_xfer: timed out\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void print_info(const char *who, int fd)
{
	if (opt.edu) {
		struct edu_info e;
		socklen_t len = sizeof(e);

		memset(&e, 0, sizeof(e));
		if (getsockopt(fd, SOL_EDU, EDU_INFO, &e, &len)) {
			printf("%s info error=%d\n", who, errno);
			return;
		}
		printf("%s info state=%u total_retrans=%u fast_retrans=%u rto_expiries=%u zero_wnd_probes=%u dup_acks=%u rtt=%u rto=%u cwnd=%u ssthresh=%u mss=%u bytes_sent=%llu bytes_acked=%llu bytes_received=%llu segs_out=%llu segs_in=%llu ca=%.16s\n",
		       who, e.edui_state, e.edui_total_retrans,
		       e.edui_fast_retrans, e.edui_rto_expiries,
		       e.edui_zero_wnd_probes, e.edui_dup_acks_rcvd,
		       e.edui_rtt, e.edui_rto, e.edui_snd_cwnd,
		       e.edui_snd_ssthresh, e.edui_snd_mss,
		       (unsigned long long)e.edui_bytes_sent,
		       (unsigned long long)e.edui_bytes_acked,
		       (unsigned long long)e.edui_bytes_received,
		       (unsigned long long)e.edui_segs_out,
		       (unsigned long long)e.edui_segs_in, e.edui_ca_name);
	} else {
		struct tcp_info t;
		socklen_t len = sizeof(t);

		memset(&t, 0, sizeof(t));
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &t, &len)) {
			printf("%s info error=%d\n", who, errno);
			return;
		}
		printf("%s info state=%u total_retrans=%u rtt=%u rto=%u cwnd=%u mss=%u bytes_acked=%llu bytes_received=%llu segs_out=%u segs_in=%u\n",
		       who, t.tcpi_state, t.tcpi_total_retrans, t.tcpi_rtt,
		       t.tcpi_rto, t.tcpi_snd_cwnd, t.tcpi_snd_mss,
		       (unsigned long long)t.tcpi_bytes_acked,
		       (unsigned long long)t.tcpi_bytes_received,
		       t.tcpi_segs_out, t.tcpi_segs_in);
	}
	fflush(stdout);
}

static struct sockaddr_in mkaddr(const char *ip)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = family;
	a.sin_port = htons(opt.port);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "edu_xfer: bad address %s\n", ip);
		exit(2);
	}
	return a;
}

static int server(void)
{
	struct sockaddr_in a = mkaddr(opt.addr ? opt.addr : "0.0.0.0");
	uint8_t *buf = malloc(opt.read_size), *want = malloc(opt.read_size);
	long long got = 0;
	uint64_t h = FNV_INIT;
	struct edu_gen g;
	double t0, dt;
	int l, fd, one = 1;

	edu_gen_init(&g, opt.seed);
	l = socket(family, SOCK_STREAM, 0);
	if (l < 0 || !buf || !want) {
		perror("edu_xfer: socket");
		return 2;
	}
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (opt.rcvbuf &&
	    setsockopt(l, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(int)))
		perror("edu_xfer: SO_RCVBUF");
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1)) {
		perror("edu_xfer: bind/listen");
		return 2;
	}
	fd = accept(l, NULL, NULL);
	if (fd < 0) {
		perror("edu_xfer: accept");
		return 2;
	}
	close(l);
	t0 = edu_now();
	if (opt.first_delay_ms)
		edu_msleep(opt.first_delay_ms);
	for (;;) {
		ssize_t n = recv(fd, buf, opt.read_size, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "edu_xfer: recv after %lld bytes: %s\n",
				got, strerror(errno));
			print_info("server", fd);
			return 1;
		}
		if (!n)
			break;
		edu_gen_fill(&g, want, n);
		if (memcmp(buf, want, n)) {
			ssize_t i = 0;

			while (buf[i] == want[i])
				i++;
			fprintf(stderr, "edu_xfer: stream differs at byte %lld: got 0x%02x, want 0x%02x\n",
				got + i, buf[i], want[i]);
			print_info("server", fd);
			return 1;
		}
		h = fnv1a(h, buf, n);
		got += n;
		if (got > opt.bytes) {
			fprintf(stderr, "edu_xfer: more than %lld bytes\n",
				opt.bytes);
			return 1;
		}
		if (opt.read_delay_ms)
			edu_msleep(opt.read_delay_ms);
	}
	dt = edu_now() - t0;
	print_info("server", fd);
	if (got != opt.bytes) {
		fprintf(stderr, "edu_xfer: EOF after %lld of %lld bytes\n", got,
			opt.bytes);
		return 1;
	}
	if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h)) {
		perror("edu_xfer: send hash");
		return 1;
	}
	printf("server bytes=%lld secs=%.3f mbit=%.1f hash=%016llx\n", got, dt,
	       got * 8 / dt / 1e6, (unsigned long long)h);
	close(fd);
	return 0;
}

static int client(void)
{
	struct sockaddr_in a = mkaddr(opt.addr);
	static uint8_t buf[65536];
	long long sent = 0;
	uint64_t h = FNV_INIT, peer_h = 0;
	struct edu_gen g;
	double t0, dt;
	int fd, tries;
	ssize_t n;

	edu_gen_init(&g, opt.seed);
	/* the server may still be starting: retry a refused connect */
	for (tries = 0;; tries++) {
		fd = socket(family, SOCK_STREAM, 0);
		if (fd < 0) {
			perror("edu_xfer: socket");
			return 2;
		}
		if (opt.sndbuf)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.sndbuf,
				   sizeof(int));
		if (opt.cong && setsockopt(fd, opt.edu ? SOL_EDU : IPPROTO_TCP,
					   opt.edu ? EDU_CONGESTION : TCP_CONGESTION,
					   opt.cong, strlen(opt.cong) + opt.edu)) {
			perror("edu_xfer: congestion control");
			return 2;
		}
		if (!connect(fd, (void *)&a, sizeof(a)))
			break;
		if (errno != ECONNREFUSED || tries > 100) {
			perror("edu_xfer: connect");
			return 2;
		}
		close(fd);
		edu_msleep(100);
	}
	t0 = edu_now();
	while (sent < opt.bytes) {
		size_t len = sizeof(buf);
		ssize_t off = 0;

		if ((long long)len > opt.bytes - sent)
			len = opt.bytes - sent;
		edu_gen_fill(&g, buf, len);
		h = fnv1a(h, buf, len);
		while (off < (ssize_t)len) {
			n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, "edu_xfer: send after %lld bytes: %s\n",
					sent + off, strerror(errno));
				print_info("client", fd);
				return 1;
			}
			off += n;
		}
		sent += len;
	}
	if (shutdown(fd, SHUT_WR)) {
		perror("edu_xfer: shutdown");
		return 1;
	}
	n = recv(fd, &peer_h, sizeof(peer_h), MSG_WAITALL);
	dt = edu_now() - t0;
	print_info("client", fd);
	if (n != sizeof(peer_h)) {
		fprintf(stderr, "edu_xfer: no hash from the server (%zd, %s)\n",
			n, strerror(errno));
		return 1;
	}
	printf("client bytes=%lld secs=%.3f mbit=%.1f hash=%016llx peer=%016llx\n",
	       sent, dt, sent * 8 / dt / 1e6, (unsigned long long)h,
	       (unsigned long long)peer_h);
	close(fd);
	return h == peer_h ? 0 : 1;
}

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "lc:a:p:f:n:b:B:D:d:r:S:t:C:")) != -1) {
		switch (c) {
		case 'l':
			opt.listen = true;
			break;
		case 'c':
		case 'a':
			opt.addr = optarg;
			break;
		case 'p':
			opt.port = atoi(optarg);
			break;
		case 'f':
			opt.edu = strcmp(optarg, "tcp");
			break;
		case 'n':
			opt.bytes = strtoll(optarg, NULL, 0);
			break;
		case 'b':
			opt.rcvbuf = atoi(optarg);
			break;
		case 'B':
			opt.sndbuf = atoi(optarg);
			break;
		case 'D':
			opt.first_delay_ms = atoi(optarg);
			break;
		case 'd':
			opt.read_delay_ms = atoi(optarg);
			break;
		case 'r':
			opt.read_size = atoi(optarg);
			break;
		case 'S':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			opt.timeout = atoi(optarg);
			break;
		case 'C':
			opt.cong = optarg;
			break;
		default:
			fprintf(stderr, "usage: see the comment at the top of edu_xfer.c\n");
			return 2;
		}
	}
	if (!opt.port || (!opt.listen && !opt.addr) || opt.read_size <= 0) {
		fprintf(stderr, "edu_xfer: need -p and -l or -c ADDR\n");
		return 2;
	}
	if (opt.edu) {
		family = edu_setup();
		if (family < 0) {
			fprintf(stderr, "edu_xfer: af_edu not available: %s\n",
				strerror(-family));
			return 4;
		}
	} else {
		family = AF_INET;
	}
	signal(SIGALRM, on_alarm);
	alarm(opt.timeout);
	return opt.listen ? server() : client();
}
