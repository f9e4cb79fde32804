-- SPDX-License-Identifier: GPL-2.0
--
-- A Wireshark/tshark dissector for AF_EDU segments (IP protocol 253).
--
--   tshark -X lua_script:scripts/edu.lua -r capture.pcap
--   tshark -X lua_script:scripts/edu.lua -r capture.pcap -Y 'edu.flags.syn == 1' -V
--   tshark -X lua_script:scripts/edu.lua -r capture.pcap -Y 'edu.checksum.bad'
--
-- The header is struct eduhdr of uapi/linux/edu.h, laid out like TCP's
-- (RFC 9293 3.1). What it shows, and the names to filter on:
--
--   edu.srcport edu.dstport edu.port   ports
--   edu.seq / edu.seq_raw              sequence number, relative to the
--   edu.ack / edu.ack_raw              ISN of its direction, and absolute
--   edu.flags.{syn,ack,fin,rst,psh}    flags
--   edu.window_size_value              window field as sent
--   edu.window_size                    window in bytes, scaled by the
--                                      sender's shift (RFC 7323 2.2) when
--                                      both SYNs were seen
--   edu.checksum edu.checksum.status   checksum, "Good", "Bad",
--   edu.checksum.bad                   "Partial (offloaded to the NIC)" or
--                                      "Unverified (truncated)"
--   edu.options.mss edu.options.wscale SYN options
--   edu.options.sack_perm              SACK-permitted on a SYN
--   edu.options.sack_le/sack_re        SACK block edges, relative to the
--                                      ISN of the data they acknowledge
--   edu.stream                         conversation (4-tuple) index
--   edu.analysis.*                     retransmission, duplicate ACK,
--                                      zero window, window probe
--
-- The checksum is verified over the IPv4 pseudo-header, as the receiver
-- does. A segment captured on the sending side of a checksum-offloading
-- NIC carries only the pseudo-header sum (CHECKSUM_PARTIAL): it is shown
-- as "Partial", not as an error.

local edu = Proto("edu", "AF_EDU Transport")

-- Wireshark 4.0 (Debian bookworm) embeds Lua 5.2: bit operations come
-- from bit32, which 5.2 has built in.
local band, shl, shr = bit32.band, bit32.lshift, bit32.rshift

local IPPROTO_EDU = 253
local FLAG_FIN, FLAG_SYN, FLAG_RST, FLAG_PSH, FLAG_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
local FLAGS = { {FLAG_FIN, "FIN"}, {FLAG_SYN, "SYN"}, {FLAG_RST, "RST"},
		{FLAG_PSH, "PSH"}, {FLAG_ACK, "ACK"} }
local OPT_EOL, OPT_NOP, OPT_MSS, OPT_WSCALE = 0, 1, 2, 3
local OPT_SACK_PERM, OPT_SACK = 4, 5
local MAX_WSCALE = 14

local f = edu.fields
f.srcport  = ProtoField.uint16("edu.srcport", "Source Port")
f.dstport  = ProtoField.uint16("edu.dstport", "Destination Port")
f.port     = ProtoField.uint16("edu.port", "Port")
f.stream   = ProtoField.uint32("edu.stream", "Stream index")
f.seq      = ProtoField.uint32("edu.seq", "Sequence Number (relative)")
f.seq_raw  = ProtoField.uint32("edu.seq_raw", "Sequence Number (raw)")
f.ack      = ProtoField.uint32("edu.ack", "Acknowledgment Number (relative)")
f.ack_raw  = ProtoField.uint32("edu.ack_raw", "Acknowledgment Number (raw)")
f.nxtseq   = ProtoField.uint32("edu.nxtseq", "Next Sequence Number (relative)")
f.hdr_len  = ProtoField.uint8("edu.hdr_len", "Header Length", base.DEC, nil, nil, "bytes")
f.flags    = ProtoField.uint8("edu.flags", "Flags", base.HEX)
f.fin      = ProtoField.bool("edu.flags.fin", "FIN", 8, nil, FLAG_FIN)
f.syn      = ProtoField.bool("edu.flags.syn", "SYN", 8, nil, FLAG_SYN)
f.rst      = ProtoField.bool("edu.flags.rst", "RST", 8, nil, FLAG_RST)
f.psh      = ProtoField.bool("edu.flags.psh", "PSH", 8, nil, FLAG_PSH)
f.ackf     = ProtoField.bool("edu.flags.ack", "ACK", 8, nil, FLAG_ACK)
f.window   = ProtoField.uint16("edu.window_size_value", "Window (field)")
f.win_scaled = ProtoField.uint32("edu.window_size", "Window (bytes, scaled)")
f.win_shift  = ProtoField.int8("edu.window_size_scalefactor_shift",
			       "Window scale shift (-1: unknown)")
f.checksum = ProtoField.uint16("edu.checksum", "Checksum", base.HEX)
f.csum_calc = ProtoField.uint16("edu.checksum_calculated", "Calculated Checksum", base.HEX)
f.csum_st  = ProtoField.string("edu.checksum.status", "Checksum Status")
f.csum_bad = ProtoField.bool("edu.checksum.bad", "Checksum Bad")
f.reserved = ProtoField.uint16("edu.reserved", "Reserved", base.HEX)
f.opt_mss  = ProtoField.uint16("edu.options.mss", "MSS")
f.opt_ws   = ProtoField.uint8("edu.options.wscale", "Window scale shift")
f.opt_sackp = ProtoField.bool("edu.options.sack_perm", "SACK permitted")
f.opt_sle  = ProtoField.uint32("edu.options.sack_le", "SACK left edge (relative)")
f.opt_sre  = ProtoField.uint32("edu.options.sack_re", "SACK right edge (relative)")
f.len      = ProtoField.uint32("edu.len", "Payload Length")
f.a_retr   = ProtoField.bool("edu.analysis.retransmission", "Retransmission")
f.a_dup    = ProtoField.uint32("edu.analysis.duplicate_ack_num", "Duplicate ACK #")
f.a_zero   = ProtoField.bool("edu.analysis.zero_window", "Zero window")
f.a_probe  = ProtoField.bool("edu.analysis.window_probe", "Window or keep-alive probe")

local function expert_(name, text, group, sev)
	return ProtoExpert.new(name, text, group, sev)
end
local ef_bad_doff  = expert_("edu.bad_doff.expert", "Header length out of range",
			     expert.group.MALFORMED, expert.severity.ERROR)
local ef_bad_csum  = expert_("edu.checksum.bad.expert", "Bad checksum",
			     expert.group.CHECKSUM, expert.severity.ERROR)
local ef_bad_flags = expert_("edu.bad_flags.expert", "Illegal flag combination",
			     expert.group.MALFORMED, expert.severity.WARN)
local ef_retrans   = expert_("edu.analysis.retransmission.expert",
			     "Retransmission (sequence space sent before)",
			     expert.group.SEQUENCE, expert.severity.NOTE)
local ef_dup_ack   = expert_("edu.analysis.duplicate_ack.expert", "Duplicate ACK",
			     expert.group.SEQUENCE, expert.severity.NOTE)
local ef_zero_win  = expert_("edu.analysis.zero_window.expert",
			     "Zero window: the receiver's buffer is full",
			     expert.group.SEQUENCE, expert.severity.WARN)
local ef_probe     = expert_("edu.analysis.window_probe.expert",
			     "Probe: SEQ = SND.UNA - 1, no data (RFC 9293 3.8.6.1)",
			     expert.group.SEQUENCE, expert.severity.NOTE)
edu.experts = { ef_bad_doff, ef_bad_csum, ef_bad_flags, ef_retrans, ef_dup_ack,
		ef_zero_win, ef_probe }

local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")

-- Per-direction state, filled on the first pass only:
--   isn    the first sequence number (the SYN's) for relative numbers
--   high   the highest sequence number sent + 1, for the retransmission hint
--   ws     the window shift its SYN offered (false: SYN without WSCALE,
--          nil: SYN not seen)
--   ack, win, dups  the last pure ACK, for the duplicate-ACK hint
-- Later passes (Wireshark re-dissects on every click) read per_packet.
local flows, streams, nstreams, per_packet

local function reset()
	flows, streams, nstreams, per_packet = {}, {}, 0, {}
end
reset()
-- Called before each (re)read of a capture file.
edu.init = reset

local function ipv4_words(addr)
	local a, b, c, d = tostring(addr):match("(%d+)%.(%d+)%.(%d+)%.(%d+)")
	return shl(tonumber(a), 8) + tonumber(b), shl(tonumber(c), 8) + tonumber(d)
end

local function fold(sum)
	while sum > 0xffff do
		sum = band(sum, 0xffff) + shr(sum, 16)
	end
	return sum
end

-- The one's complement sum (RFC 1071) of the pseudo-header: source,
-- destination, zero, protocol, segment length (RFC 9293 3.1).
local function pseudo_sum(src, dst, len)
	local s1, s2 = ipv4_words(src)
	local d1, d2 = ipv4_words(dst)
	return fold(s1 + s2 + d1 + d2 + IPPROTO_EDU + len)
end

-- The sum over pseudo-header and segment, with the checksum field read as
-- zero: the checksum the sender should have written is its complement.
local function segment_sum(tvb, src, dst)
	local len = tvb:len()
	local sum = pseudo_sum(src, dst, len)

	for i = 0, len - 2, 2 do
		if i ~= 16 then
			sum = sum + tvb(i, 2):uint()
		end
	end
	if len % 2 == 1 then
		sum = sum + shl(tvb(len - 1, 1):uint(), 8)
	end
	return fold(sum)
end

local function rel(v, base) return (v - base) % 4294967296 end

-- Options: {mss=, ws=, sackp=, sack=}, parsed as edu_parse_options()
-- does: a malformed option ends the list. A capture with a short snap
-- length may hold only part of them: what is missing is not decoded.
local function parse_options(tvb, doff)
	local o, opts = 20, {}

	doff = math.min(doff, tvb:len())
	while o < doff do
		local kind = tvb(o, 1):uint()
		if kind == OPT_EOL then
			break
		elseif kind == OPT_NOP then
			o = o + 1
		else
			if o + 1 >= doff then break end
			local olen = tvb(o + 1, 1):uint()
			if olen < 2 or o + olen > doff then break end
			if kind == OPT_MSS and olen == 4 then
				opts.mss = { o + 2, 2 }
			elseif kind == OPT_WSCALE and olen == 3 then
				opts.ws = { o + 2, 1 }
			elseif kind == OPT_SACK_PERM and olen == 2 then
				opts.sackp = { o, 2 }
			elseif kind == OPT_SACK and olen >= 10 and
			       (olen - 2) % 8 == 0 then
				opts.sack = { o + 2, (olen - 2) / 8 }
			end
			o = o + olen
		end
	end
	return opts
end

-- First pass: update the flow of this direction, remember what the
-- packet needs for display.
local function track(pinfo, key, rkey, seq, ack, flags, win, plen, ws)
	local syn = band(flags, FLAG_SYN) ~= 0
	local fl = flows[key]

	-- A SYN with a new ISN starts a new connection on this 4-tuple.
	if not fl or (syn and fl.isn ~= seq) then
		fl = { isn = seq, high = seq, dups = 0 }
		flows[key] = fl
	end
	if syn then
		fl.ws = ws or false
	end
	local ckey = (key < rkey) and key or rkey
	if not streams[ckey] then
		streams[ckey] = nstreams
		nstreams = nstreams + 1
	end
	local rfl = flows[rkey]
	local span = plen + ((band(flags, FLAG_SYN + FLAG_FIN) ~= 0) and 1 or 0)
	local pp = { isn = fl.isn, risn = rfl and rfl.isn or nil,
		     stream = streams[ckey], span = span, shift = -1 }

	pp.retrans = span > 0 and rel(seq, fl.isn) < rel(fl.high, fl.isn)
	pp.probe = span == 0 and band(flags, FLAG_RST) == 0 and
		   rel(seq + 1, fl.isn) == rel(fl.high, fl.isn) and fl.high ~= fl.isn
	local nxt = (seq + span) % 4294967296
	if rel(nxt, fl.isn) > rel(fl.high, fl.isn) then
		fl.high = nxt
	end

	-- RFC 7323 2.2: the window of a SYN is never scaled; afterwards each
	-- side's window is shifted by the count it offered, if both offered.
	if syn then
		pp.shift = 0
	elseif fl.ws ~= nil and rfl and rfl.ws ~= nil then
		pp.shift = (fl.ws and rfl.ws) and math.min(fl.ws, MAX_WSCALE) or 0
	end

	-- Duplicate ACK (RFC 5681 2): no data, no SYN/FIN/RST, same ACK and
	-- window as the previous one, while data is outstanding towards us.
	local pure = span == 0 and band(flags, FLAG_RST) == 0 and band(flags, FLAG_ACK) ~= 0
	if pure and not pp.probe and fl.ack == ack and fl.win == win and
	   rfl and rel(rfl.high, rfl.isn) > rel(ack, rfl.isn) then
		fl.dups = fl.dups + 1
		pp.dup = fl.dups
	elseif band(flags, FLAG_ACK) ~= 0 then
		fl.dups = 0
	end
	if band(flags, FLAG_ACK) ~= 0 then
		fl.ack, fl.win = ack, win
	end
	per_packet[pinfo.number] = pp
	return pp
end

local function add_checksum(t, tvb, src, dst)
	local field = tvb(16, 2):uint()
	local ct = t:add(f.checksum, tvb(16, 2))
	local status, bad = "Good", false

	if tvb:len() < tvb:reported_length_remaining() or
	   tvb:len() < tvb:reported_len() then
		status = "Unverified (truncated)"
	else
		local want = band(0xffff - segment_sum(tvb, src, dst), 0xffff)
		t:add(f.csum_calc, want):set_generated(true)
		-- 0 and 0xffff are the same number in one's complement.
		if field == want or (fold(field + segment_sum(tvb, src, dst)) == 0xffff) then
			status = "Good"
		elseif field == pseudo_sum(src, dst, tvb:len()) then
			-- CHECKSUM_PARTIAL: the field holds the folded
			-- pseudo-header sum; the NIC completes it after the
			-- capture point (edu_csum_output()).
			status = "Partial (offloaded to the NIC)"
		else
			status, bad = "Bad", true
			ct:add_proto_expert_info(ef_bad_csum)
		end
	end
	t:add(f.csum_st, status):set_generated(true)
	t:add(f.csum_bad, bad):set_generated(true)
	return status
end

function edu.dissector(tvb, pinfo, tree)
	if tvb:len() < 20 then
		return 0
	end
	pinfo.cols.protocol = "EDU"
	local sport, dport = tvb(0, 2):uint(), tvb(2, 2):uint()
	local seq, ack = tvb(4, 4):uint(), tvb(8, 4):uint()
	local doff = shr(tvb(12, 1):uint(), 4) * 4
	local flags = tvb(13, 1):uint()
	local win = tvb(14, 2):uint()
	local doff_ok = doff >= 20 and doff <= tvb:len()
	local t = tree:add(edu, tvb(0, doff_ok and doff or 20))

	t:add(f.srcport, tvb(0, 2))
	t:add(f.dstport, tvb(2, 2))
	t:add(f.port, tvb(0, 2)):set_hidden(true)
	t:add(f.port, tvb(2, 2)):set_hidden(true)

	local src, dst = tostring(ip_src()), tostring(ip_dst())
	local key = src .. ":" .. sport .. ">" .. dst .. ":" .. dport
	local rkey = dst .. ":" .. dport .. ">" .. src .. ":" .. sport
	local plen = doff_ok and tvb:len() - doff or 0
	local opts = doff_ok and doff > 20 and parse_options(tvb, doff) or {}

	local pp = per_packet[pinfo.number]
	if not pp and not pinfo.visited then
		pp = track(pinfo, key, rkey, seq, ack, flags, win, plen,
			   opts.ws and tvb(opts.ws[1], 1):uint() or nil)
	end
	pp = pp or { isn = seq, stream = 0, span = 0, shift = -1 }

	t:add(f.stream, pp.stream):set_generated(true)
	t:add(f.seq, tvb(4, 4), rel(seq, pp.isn))
	t:add(f.seq_raw, tvb(4, 4))
	if pp.span > 0 then
		t:add(f.nxtseq, rel(seq + pp.span, pp.isn)):set_generated(true)
	end
	if band(flags, FLAG_ACK) ~= 0 then
		if pp.risn then
			t:add(f.ack, tvb(8, 4), rel(ack, pp.risn))
		end
		t:add(f.ack_raw, tvb(8, 4))
	end
	local hl = t:add(f.hdr_len, tvb(12, 1), doff)
	if not doff_ok then
		hl:add_proto_expert_info(ef_bad_doff)
	end

	local names = {}
	for _, fl in ipairs(FLAGS) do
		if band(flags, fl[1]) ~= 0 then
			names[#names + 1] = fl[2]
		end
	end
	local ft = t:add(f.flags, tvb(13, 1)):append_text(" (" .. table.concat(names, ", ") .. ")")
	ft:add(f.ackf, tvb(13, 1))
	ft:add(f.psh, tvb(13, 1))
	ft:add(f.rst, tvb(13, 1))
	ft:add(f.syn, tvb(13, 1))
	ft:add(f.fin, tvb(13, 1))
	if band(flags, FLAG_SYN + FLAG_FIN) == FLAG_SYN + FLAG_FIN or
	   band(flags, FLAG_SYN + FLAG_RST) == FLAG_SYN + FLAG_RST then
		ft:add_proto_expert_info(ef_bad_flags)
	end

	local wt = t:add(f.window, tvb(14, 2))
	local wbytes
	if pp.shift >= 0 then
		wbytes = shl(win, pp.shift)
		t:add(f.win_scaled, wbytes):set_generated(true)
	end
	t:add(f.win_shift, pp.shift):set_generated(true)
	local zero = win == 0 and band(flags, FLAG_RST) == 0
	if zero then
		wt:add_proto_expert_info(ef_zero_win)
		t:add(f.a_zero, true):set_generated(true)
	end

	local status = add_checksum(t, tvb, src, dst)
	t:add(f.reserved, tvb(18, 2))

	local optinfo = ""
	if doff_ok and doff > 20 then
		local ot = t:add(edu, tvb(20, doff - 20), "Options")
		if opts.mss then
			ot:add(f.opt_mss, tvb(opts.mss[1], 2))
			optinfo = optinfo .. " MSS=" .. tvb(opts.mss[1], 2):uint()
		end
		if opts.ws then
			ot:add(f.opt_ws, tvb(opts.ws[1], 1))
			optinfo = optinfo .. " WS=" .. shl(1, tvb(opts.ws[1], 1):uint())
		end
		if opts.sackp then
			ot:add(f.opt_sackp, tvb(opts.sackp[1], 2), true)
			optinfo = optinfo .. " SACK_PERM"
		end
		if opts.sack then
			-- the blocks are in the space of SEG.ACK: the peer's ISN
			local base = pp.risn or 0
			for i = 0, opts.sack[2] - 1 do
				local o = opts.sack[1] + 8 * i
				local le = rel(tvb(o, 4):uint(), base)
				local re = rel(tvb(o + 4, 4):uint(), base)
				ot:add(f.opt_sle, tvb(o, 4), le)
				ot:add(f.opt_sre, tvb(o + 4, 4), re)
				optinfo = optinfo .. " SLE=" .. le .. " SRE=" .. re
			end
		end
	end
	t:add(f.len, plen):set_generated(true)

	local hints = ""
	if pp.retrans then
		t:add(f.a_retr, true):set_generated(true)
		t:add_proto_expert_info(ef_retrans)
		hints = hints .. "[Retransmission] "
	end
	if pp.dup then
		t:add(f.a_dup, pp.dup):set_generated(true)
		t:add_proto_expert_info(ef_dup_ack)
		hints = hints .. "[Dup ACK #" .. pp.dup .. "] "
	end
	if pp.probe then
		t:add(f.a_probe, true):set_generated(true)
		t:add_proto_expert_info(ef_probe)
		hints = hints .. "[Probe] "
	end
	if zero then
		hints = hints .. "[Zero window] "
	end

	local info = string.format("%s%d → %d [%s] Seq=%d", hints, sport, dport,
				   table.concat(names, ", "), rel(seq, pp.isn))
	if band(flags, FLAG_ACK) ~= 0 and pp.risn then
		info = info .. string.format(" Ack=%d", rel(ack, pp.risn))
	end
	info = info .. string.format(" Win=%d Len=%d", wbytes or win, plen) .. optinfo
	if status ~= "Good" then
		info = info .. " [csum " .. status .. "]"
	end
	pinfo.cols.info = info
	return tvb:len()
end

DissectorTable.get("ip.proto"):add(IPPROTO_EDU, edu)
