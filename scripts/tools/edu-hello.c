// SPDX-License-Identifier: GPL-2.0
/*
 * edu-hello: the smallest AF_EDU program, a one-message client and server.
 * It is ordinary sockets code; only the family constant and the option
 * level differ from the TCP version a student already knows.
 *
 *   edu-hello server PORT
 *   edu-hello client ADDR PORT MESSAGE [PAUSE_MS]
 *
 * PAUSE_MS: wait that long between connect() and write(), so that a
 * tracer (scripts/edu-trace) sees the handshake's last frames settle
 * before the data segment starts down the path.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/edu.h>

static const char *const state_name[] = {
	[EDU_ESTABLISHED] = "ESTABLISHED", [EDU_SYN_SENT] = "SYN_SENT",
	[EDU_SYN_RECV] = "SYN_RECV", [EDU_FIN_WAIT1] = "FIN_WAIT1",
	[EDU_FIN_WAIT2] = "FIN_WAIT2", [EDU_TIME_WAIT] = "TIME_WAIT",
	[EDU_CLOSE] = "CLOSE", [EDU_CLOSE_WAIT] = "CLOSE_WAIT",
	[EDU_LAST_ACK] = "LAST_ACK", [EDU_LISTEN] = "LISTEN",
	[EDU_CLOSING] = "CLOSING",
};

/* The family number in use: the module parameter, else the default. */
static int edu_family(void)
{
	FILE *f = fopen("/sys/module/af_edu/parameters/family", "r");
	int fam = AF_EDU;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = AF_EDU;
		fclose(f);
	}
	return fam;
}

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(1);
}

static void show_info(int fd, const char *who)
{
	struct edu_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, SOL_EDU, EDU_INFO, &info, &len))
		die("getsockopt(EDU_INFO)");
	printf("%s: state %s, rtt %u us, rto %u us, cwnd %u, rcv_wnd %u, segs out %llu in %llu\n",
	       who, info.edui_state < EDU_MAX_STATES && state_name[info.edui_state] ?
	       state_name[info.edui_state] : "?", info.edui_rtt, info.edui_rto,
	       info.edui_snd_cwnd, info.edui_rcv_wnd,
	       (unsigned long long)info.edui_segs_out,
	       (unsigned long long)info.edui_segs_in);
}

static int server(int port)
{
	struct sockaddr_edu addr = { .sedu_family = edu_family(),
				     .sedu_port = htons(port) };
	char buf[512];
	int one = 1, lfd, fd;
	ssize_t n, i;

	lfd = socket(edu_family(), SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind");
	if (listen(lfd, 8))
		die("listen");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		die("read");
	printf("server: got \"%.*s\"\n", (int)n, buf);
	for (i = 0; i < n; i++)
		buf[i] = toupper((unsigned char)buf[i]);
	if (write(fd, buf, n) != n)
		die("write");
	show_info(fd, "server");
	/* Wait for the client's FIN: the passive close goes CLOSE_WAIT, LAST_ACK. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	close(lfd);
	return 0;
}

static int client(const char *host, int port, const char *msg, int pause_ms)
{
	struct sockaddr_edu addr = { .sedu_family = edu_family(),
				     .sedu_port = htons(port) };
	char buf[512];
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, host, &addr.sedu_addr) != 1) {
		fprintf(stderr, "bad address %s\n", host);
		return 1;
	}
	fd = socket(edu_family(), SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	if (pause_ms > 0)
		usleep(pause_ms * 1000);
	if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		die("write");
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		die("read");
	printf("client: got \"%.*s\"\n", (int)n, buf);
	show_info(fd, "client");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), argv[4],
			      argc == 6 ? atoi(argv[5]) : 0);
	fprintf(stderr, "usage: %s server PORT | client ADDR PORT MESSAGE [PAUSE_MS]\n",
		argv[0]);
	return 2;
}
