// SPDX-License-Identifier: GPL-2.0
/*
 * edustat: list AF_EDU sockets and the protocol's counters, in the spirit of
 * ss and netstat.
 *
 *   edustat [-a] [-l] [-i] [-s STATE] [-p PORT]   sockets
 *   edustat -S [-z]                               counters
 *
 *   -a  all sockets (default: all but listeners)   -l  listeners only
 *   -s  only this state (e.g. established, time_wait)
 *   -p  only sockets with this local or remote port
 *   -i  per-socket detail from getsockopt(EDU_INFO): RTT, RTO, windows,
 *       congestion control, retransmissions, bytes. The socket belongs to
 *       another process, so edustat borrows a copy of its descriptor with
 *       pidfd_getfd(2) (needs the right to ptrace that process, e.g. root).
 *   -S  the counters of /proc/net/edu_stats (non-zero ones; -z for all)
 *
 * The socket list comes from /proc/net/edu, whose lines have the layout of
 * /proc/net/tcp plus the congestion window and ssthresh; run it inside a
 * namespace with 'ip netns exec NAME edustat'.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/edu.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static const char *const state_name[EDU_MAX_STATES] = {
	[EDU_ESTABLISHED] = "ESTABLISHED", [EDU_SYN_SENT] = "SYN_SENT",
	[EDU_SYN_RECV] = "SYN_RECV", [EDU_FIN_WAIT1] = "FIN_WAIT1",
	[EDU_FIN_WAIT2] = "FIN_WAIT2", [EDU_TIME_WAIT] = "TIME_WAIT",
	[EDU_CLOSE] = "CLOSE", [EDU_CLOSE_WAIT] = "CLOSE_WAIT",
	[EDU_LAST_ACK] = "LAST_ACK", [EDU_LISTEN] = "LISTEN",
	[EDU_CLOSING] = "CLOSING",
};

/* The timer column of /proc/net/tcp, which /proc/net/edu keeps. */
static const char *const timer_name[] = {
	"", "retrans", "keepalive", "timewait", "persist",
};

static const char *sname(unsigned int st)
{
	return st < EDU_MAX_STATES && state_name[st] ? state_name[st] : "?";
}

static int parse_state(const char *s)
{
	int i;

	for (i = 1; i < EDU_MAX_STATES; i++)
		if (state_name[i] && !strcasecmp(s, state_name[i]))
			return i;
	if (!strcasecmp(s, "time-wait"))
		return EDU_TIME_WAIT;
	fprintf(stderr, "edustat: unknown state %s\n", s);
	exit(2);
}

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 1 || v > 65535) {
		fprintf(stderr, "edustat: bad port %s\n", s);
		exit(2);
	}
	return v;
}

/* Find the process and descriptor that hold the socket with this inode. */
static int find_owner(unsigned long inode, int *pid_out, int *fd_out)
{
	char path[600], link[64], want[64];
	struct dirent *p, *f;
	DIR *proc, *fds;
	ssize_t n;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (!strcmp(link, want)) {
				*pid_out = atoi(p->d_name);
				*fd_out = atoi(f->d_name);
				closedir(fds);
				closedir(proc);
				return 0;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return -1;
}

static int get_info(unsigned long inode, struct edu_info *info, int *pid)
{
	socklen_t len = sizeof(*info);
	int pidfd, fd, tfd, ret;

	if (!inode || find_owner(inode, pid, &tfd))
		return -1;
	pidfd = syscall(SYS_pidfd_open, *pid, 0);
	if (pidfd < 0)
		return -1;
	fd = syscall(SYS_pidfd_getfd, pidfd, tfd, 0);
	close(pidfd);
	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	ret = getsockopt(fd, SOL_EDU, EDU_INFO, info, &len);
	close(fd);
	return ret;
}

static void addr_port(char *out, size_t size, unsigned int addr, unsigned int port)
{
	struct in_addr a = { .s_addr = addr };	/* printed by the kernel as a raw u32 */

	snprintf(out, size, "%s:%u", inet_ntoa(a), port);
}

/* The algorithm's own state (edui_cc), read by its name. */
static void print_cc(const struct edu_info *info)
{
	const union edu_cc_info *cc = &info->edui_cc;

	if (!strcmp(info->edui_ca_name, "cubic"))
		printf("\tcubic: W_max %u  K %u ms  epoch %u ms  hystart delay_min %.3f ms\n",
		       cc->cubic.w_max, cc->cubic.k_ms, cc->cubic.epoch_ms,
		       cc->cubic.delay_min_us / 1000.0);
	else if (!strcmp(info->edui_ca_name, "vegas"))
		printf("\tvegas: base_rtt %.3f ms  rtt %.3f ms  diff %u segments\n",
		       cc->vegas.base_rtt_us / 1000.0, cc->vegas.rtt_us / 1000.0,
		       cc->vegas.diff);
	else if (!strcmp(info->edui_ca_name, "westwood"))
		printf("\twestwood: bw_est %.3f Mbit/s  rtt_min %.3f ms  bw*rtt_min %u segments\n",
		       cc->westwood.bw_est * 8 / 1e6, cc->westwood.rtt_min_us / 1000.0,
		       cc->westwood.bw_rttmin);
}

static int list_sockets(int all, int listeners, int want_state, int port, int detail)
{
	unsigned int laddr, lport, raddr, rport, st, txq, rxq, tr, retr, uid, cwnd, ssth;
	unsigned long when, inode;
	char line[512], l[64], r[64];
	int timeout, shown = 0, pid;
	struct edu_info info;
	FILE *f;

	f = fopen("/proc/net/edu", "r");
	if (!f) {
		perror("edustat: /proc/net/edu (is af_edu loaded?)");
		return 1;
	}
	printf("%-11s %6s %6s %-21s %-21s %-14s %5s %8s\n", "State", "Recv-Q", "Send-Q",
	       "Local Address:Port", "Peer Address:Port", "Timer", "cwnd", "ssthresh");
	if (!fgets(line, sizeof(line), f))	/* the header */
		goto out;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %x:%x %x:%x %x %x:%x %x:%lx %x %u %d %lu %u %u",
			   &laddr, &lport, &raddr, &rport, &st, &txq, &rxq, &tr, &when,
			   &retr, &uid, &timeout, &inode, &cwnd, &ssth) != 15)
			continue;
		if (want_state && (int)st != want_state)
			continue;
		if (!want_state && listeners != (st == EDU_LISTEN) && !all)
			continue;
		if (port && (int)lport != port && (int)rport != port)
			continue;
		addr_port(l, sizeof(l), laddr, lport);
		addr_port(r, sizeof(r), raddr, rport);
		printf("%-11s %6u %6u %-21s %-21s", sname(st), rxq, txq, l, r);
		if (tr && tr < sizeof(timer_name) / sizeof(timer_name[0]))
			printf(" %-8s %4.1fs", timer_name[tr], when / 100.0);
		else
			printf(" %-14s", "");
		printf(" %5u %8u\n", cwnd, ssth);
		shown++;
		if (!detail || st == EDU_TIME_WAIT || st == EDU_LISTEN)
			continue;
		if (get_info(inode, &info, &pid)) {
			printf("\t(no detail: socket %lu not reachable: %s)\n", inode,
			       strerror(errno));
			continue;
		}
		printf("\tpid %d  %s  rtt %.3f/%.3f ms  rto %.0f ms  mss %u  wscale %u,%u\n",
		       pid, info.edui_ca_name[0] ? info.edui_ca_name : "newreno",
		       info.edui_rtt / 1000.0, info.edui_rttvar / 1000.0,
		       info.edui_rto / 1000.0, info.edui_snd_mss,
		       info.edui_snd_wscale, info.edui_rcv_wscale);
		printf("\tcwnd %u  ssthresh %u  snd_wnd %u  rcv_wnd %u  unacked %u\n",
		       info.edui_snd_cwnd, info.edui_snd_ssthresh, info.edui_snd_wnd,
		       info.edui_rcv_wnd, info.edui_unacked);
		print_cc(&info);
		printf("\tretrans %u/%u  fast_retrans %u  rto_expiries %u  zero_wnd_probes %u  dup_acks %u\n",
		       info.edui_retransmits, info.edui_total_retrans,
		       info.edui_fast_retrans, info.edui_rto_expiries,
		       info.edui_zero_wnd_probes, info.edui_dup_acks_rcvd);
		printf("\tbytes sent %llu acked %llu received %llu  segs out %llu in %llu\n",
		       (unsigned long long)info.edui_bytes_sent,
		       (unsigned long long)info.edui_bytes_acked,
		       (unsigned long long)info.edui_bytes_received,
		       (unsigned long long)info.edui_segs_out,
		       (unsigned long long)info.edui_segs_in);
	}
out:
	fclose(f);
	if (!shown)
		printf("(no sockets match)\n");
	return 0;
}

static int list_counters(int zeros)
{
	char name[128];
	long long v;
	FILE *f = fopen("/proc/net/edu_stats", "r");

	if (!f) {
		perror("edustat: /proc/net/edu_stats (is af_edu loaded?)");
		return 1;
	}
	while (fscanf(f, "%127s %lld", name, &v) == 2)
		if (v || zeros)
			printf("%-28s %lld\n", name, v);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int all = 0, listeners = 0, detail = 0, counters = 0, zeros = 0;
	int want_state = 0, port = 0, c;

	while ((c = getopt(argc, argv, "alis:p:Szh")) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'l':
			listeners = 1;
			break;
		case 'i':
			detail = 1;
			break;
		case 's':
			want_state = parse_state(optarg);
			break;
		case 'p':
			port = parse_port(optarg);
			break;
		case 'S':
			counters = 1;
			break;
		case 'z':
			zeros = 1;
			break;
		default:
			fprintf(stderr,
				"usage: edustat [-a] [-l] [-i] [-s STATE] [-p PORT] | -S [-z]\n");
			return 2;
		}
	}
	if (counters)
		return list_counters(zeros);
	return list_sockets(all, listeners, want_state, port, detail);
}
