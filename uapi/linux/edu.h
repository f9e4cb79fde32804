/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_EDU: the user-facing contract of the teaching transport.
 *
 * A program that speaks TCP over AF_INET ports to AF_EDU by changing the
 * family constant and IPPROTO_TCP-level option names to SOL_EDU ones:
 * struct sockaddr_edu has the size and layout of struct sockaddr_in.
 */
#ifndef _UAPI_LINUX_EDU_H
#define _UAPI_LINUX_EDU_H

#include <linux/types.h>
#include <linux/socket.h>
#include <linux/in.h>

/*
 * Linux 6.1 has no free address-family number below NPROTO (46), and
 * sock_register() refuses anything above, so AF_EDU reuses 22, the number
 * once given to AF_SNA, which no code in 6.1 registers. The module
 * parameter "family" overrides it; read the number in use from
 * /sys/module/af_edu/parameters/family.
 */
#define AF_EDU		22
#define PF_EDU		AF_EDU

/* IP protocol number of the segments (RFC 3692: 253 is for experiments). */
#define IPPROTO_EDU	253

/* Socket-option level, like SOL_TCP. */
#define SOL_EDU		290

struct sockaddr_edu {
	__kernel_sa_family_t	sedu_family;	/* AF_EDU */
	__be16			sedu_port;	/* port, network byte order */
	struct in_addr		sedu_addr;	/* IPv4 address */
	unsigned char		sedu_zero[8];	/* pad to sizeof(sockaddr_in) */
};

/*
 * The segment header on the wire: 20 bytes, laid out like TCP's (RFC 9293
 * section 3.1) so that a student who knows one can read the other.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |
 * +-------------------------------+-------------------------------+
 * |                        Sequence Number                        |
 * +---------------------------------------------------------------+
 * |                    Acknowledgment Number                      |
 * +-------+-------+---------------+-------------------------------+
 * | Data  | Rsrvd |     Flags     |            Window             |
 * | Offset|       |     P R S F   |                               |
 * +-------+-------+---------------+-------------------------------+
 * |           Checksum            |      Reserved (must be 0)     |
 * +-------------------------------+-------------------------------+
 * |                    Options                    |    Padding    |
 * +-----------------------------------------------+---------------+
 */
struct eduhdr {
	__be16	source;
	__be16	dest;
	__be32	seq;
	__be32	ack_seq;
	__u8	doff_res;	/* data offset in 32-bit words, high nibble */
	__u8	flags;		/* EDU_FLAG_* */
	__be16	window;		/* receive window, >> peer's window scale */
	__sum16	check;		/* pseudo-header + header + payload */
	__be16	reserved;
};

#define EDU_HDR_LEN		20
#define EDU_HDR_LEN_MAX		60
#define EDU_DOFF(h)		((h)->doff_res >> 4)
#define EDU_SET_DOFF(h, words)	((h)->doff_res = (__u8)((words) << 4))

#define EDU_FLAG_FIN	0x01
#define EDU_FLAG_SYN	0x02
#define EDU_FLAG_RST	0x04
#define EDU_FLAG_PSH	0x08
#define EDU_FLAG_ACK	0x10

/*
 * Options, with TCP's kinds. MSS, window scale and SACK-permitted only on
 * SYN segments (RFC 9293 3.1, RFC 7323 2.2, RFC 2018 2); SACK blocks on
 * any ACK once both ends agreed to SACK (RFC 2018 3).
 */
#define EDU_OPT_EOL		0
#define EDU_OPT_NOP		1
#define EDU_OPT_MSS		2	/* kind, len=4, 16-bit MSS */
#define EDU_OPT_WSCALE		3	/* kind, len=3, shift count 0..14 */
#define EDU_OPT_SACK_PERM	4	/* kind, len=2: "I understand SACK" */
#define EDU_OPT_SACK		5	/* kind, len=2+8n: n blocks left:right */
#define EDU_OPTLEN_MSS		4
#define EDU_OPTLEN_WSCALE	3
#define EDU_OPTLEN_SACK_PERM	2
#define EDU_OPTLEN_SACK_BLOCK	8
#define EDU_MAX_SACK_BLOCKS	4	/* 2 + 4 * 8 = 34 of the 40 bytes */
#define EDU_MAX_WSCALE		14

/* SOL_EDU options */
#define EDU_NODELAY	1	/* int: turn Nagle's algorithm off */
#define EDU_MAXSEG	2	/* int: cap on the MSS (before connect) */
#define EDU_INFO	3	/* struct edu_info, read only */
#define EDU_CONGESTION	4	/* char[EDU_CA_NAME_MAX]: congestion control */

#define EDU_CA_NAME_MAX	16

/*
 * The congestion-control algorithm's own state, in struct edu_info
 * (edui_cc, read it by edui_ca_name) and in the edu:edu_cong_probe
 * tracepoint (ca0..ca3 are raw[0..3]).
 */
struct edu_cubic_info {		/* "cubic", RFC 9438 */
	__u32	w_max;		/* segments: cwnd before the last reduction */
	__u32	k_ms;		/* time from epoch start back to w_max */
	__u32	epoch_ms;	/* time since the epoch began, 0: no epoch */
	__u32	delay_min_us;	/* HyStart's smallest RTT */
};

struct edu_vegas_info {		/* "vegas", Brakmo and Peterson 1995 */
	__u32	base_rtt_us;	/* smallest RTT seen: propagation delay */
	__u32	rtt_us;		/* smallest RTT of the last round */
	__u32	diff;		/* segments queued: cwnd * (rtt - base) / rtt */
	__u32	cnt_rtt;	/* samples in this round */
};

struct edu_westwood_info {	/* "westwood", Westwood+ */
	__u32	bw_est;		/* bandwidth estimate, bytes per second */
	__u32	rtt_min_us;
	__u32	bw_rttmin;	/* bw_est * rtt_min in segments */
	__u32	pad;
};

union edu_cc_info {
	struct edu_cubic_info		cubic;
	struct edu_vegas_info		vegas;
	struct edu_westwood_info	westwood;
	__u32				raw[4];
};

/* The eleven states of RFC 9293 section 3.3.2, numbered as Linux TCP's. */
enum {
	EDU_ESTABLISHED = 1,
	EDU_SYN_SENT,
	EDU_SYN_RECV,
	EDU_FIN_WAIT1,
	EDU_FIN_WAIT2,
	EDU_TIME_WAIT,
	EDU_CLOSE,
	EDU_CLOSE_WAIT,
	EDU_LAST_ACK,
	EDU_LISTEN,
	EDU_CLOSING,
	EDU_MAX_STATES
};

/*
 * getsockopt(SOL_EDU, EDU_INFO): the TCB seen from user space. Versioned by
 * length as tcp_info is: new fields are only appended, the kernel copies
 * min(optlen, sizeof) bytes and returns the length it filled.
 */
struct edu_info {
	__u8	edui_state;		/* EDU_* state above */
	__u8	edui_ca_state;		/* 0 open, 1 recovery, 2 loss */
	__u8	edui_retransmits;	/* consecutive RTO expiries now */
	__u8	edui_snd_wscale;	/* peer's window shift */
	__u8	edui_rcv_wscale;	/* our window shift */
	__u8	edui_nodelay;
	__u16	edui_pad;

	__u32	edui_rto;		/* usec */
	__u32	edui_rtt;		/* smoothed RTT, usec */
	__u32	edui_rttvar;		/* usec */
	__u32	edui_snd_mss;
	__u32	edui_rcv_mss;

	__u32	edui_snd_cwnd;		/* congestion window, segments */
	__u32	edui_snd_ssthresh;	/* segments */
	__u32	edui_snd_wnd;		/* peer's receive window, bytes */
	__u32	edui_rcv_wnd;		/* our advertised receive window, bytes */
	__u32	edui_unacked;		/* segments in flight */
	__u32	edui_total_retrans;	/* segments retransmitted, lifetime */
	__u32	edui_fast_retrans;	/* fast retransmits (3 dup ACKs) */
	__u32	edui_rto_expiries;	/* retransmission timer expiries */
	__u32	edui_zero_wnd_probes;	/* persist-timer probes sent */
	__u32	edui_dup_acks_rcvd;

	__u64	edui_bytes_sent;	/* payload bytes handed to IP */
	__u64	edui_bytes_acked;
	__u64	edui_bytes_received;	/* in-order payload bytes */
	__u64	edui_segs_out;
	__u64	edui_segs_in;

	__u32	edui_snd_una;		/* relative to the ISN */
	__u32	edui_snd_nxt;
	__u32	edui_rcv_nxt;
	__u32	edui_pad2;

	char	edui_ca_name[EDU_CA_NAME_MAX];
	union edu_cc_info edui_cc;	/* the algorithm's state, see above */

	/* Selective acknowledgment (RFC 2018) and its scoreboard (RFC 6675) */
	__u32	edui_options;		/* EDU_INFO_OPT_*: agreed on the handshake */
	__u32	edui_sacked;		/* segments above snd_una the peer SACKed */
	__u32	edui_lost;		/* segments the scoreboard holds lost */
	__u32	edui_retrans;		/* retransmitted segments in flight */
	__u32	edui_sack_retrans;	/* holes resent from the scoreboard, lifetime */
	__u32	edui_pad3;
};

#define EDU_INFO_OPT_WSCALE	0x1	/* window scaling (RFC 7323) */
#define EDU_INFO_OPT_SACK	0x2	/* selective acknowledgment (RFC 2018) */

#endif /* _UAPI_LINUX_EDU_H */
