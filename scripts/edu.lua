-- SPDX-License-Identifier: GPL-2.0
--
-- A Wireshark/tshark dissector for AF_EDU segments (IP protocol 253).
--
--   tshark -X lua_script:scripts/edu.lua -r capture.pcap
--   tshark -X lua_script:scripts/edu.lua -r capture.pcap -Y 'edu.flags.syn == 1' -V
--
-- The header is struct eduhdr of uapi/linux/edu.h, laid out like TCP's.
-- The checksum is verified over the IPv4 pseudo-header, as the receiver
-- does; a segment captured on the sending side of a checksum-offloading
-- NIC carries only the pseudo-header sum (CHECKSUM_PARTIAL), which is shown
-- as "partial (offloaded)" rather than as an error.

local edu = Proto("edu", "AF_EDU Transport")

-- Wireshark 4.0 embeds Lua 5.2: bit operations come from bit32.
local band, shl, shr = bit32.band, bit32.lshift, bit32.rshift

local FLAGS = { {0x01, "FIN"}, {0x02, "SYN"}, {0x04, "RST"}, {0x08, "PSH"}, {0x10, "ACK"} }

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
f.fin      = ProtoField.bool("edu.flags.fin", "FIN", 8, nil, 0x01)
f.syn      = ProtoField.bool("edu.flags.syn", "SYN", 8, nil, 0x02)
f.rst      = ProtoField.bool("edu.flags.rst", "RST", 8, nil, 0x04)
f.psh      = ProtoField.bool("edu.flags.psh", "PSH", 8, nil, 0x08)
f.ackf     = ProtoField.bool("edu.flags.ack", "ACK", 8, nil, 0x10)
f.window   = ProtoField.uint16("edu.window_size_value", "Window (unscaled)")
f.checksum = ProtoField.uint16("edu.checksum", "Checksum", base.HEX)
f.csum_st  = ProtoField.string("edu.checksum.status", "Checksum Status")
f.reserved = ProtoField.uint16("edu.reserved", "Reserved", base.HEX)
f.opt_mss  = ProtoField.uint16("edu.options.mss", "MSS")
f.opt_ws   = ProtoField.uint8("edu.options.wscale", "Window scale shift")
f.len      = ProtoField.uint32("edu.len", "Payload Length")

local ef_bad_doff  = ProtoExpert.new("edu.bad_doff", "Header length out of range",
				     expert.group.MALFORMED, expert.severity.ERROR)
local ef_bad_csum  = ProtoExpert.new("edu.bad_checksum", "Bad checksum",
				     expert.group.CHECKSUM, expert.severity.ERROR)
local ef_bad_flags = ProtoExpert.new("edu.bad_flags", "Illegal flag combination",
				     expert.group.MALFORMED, expert.severity.WARN)
local ef_retrans   = ProtoExpert.new("edu.analysis.retransmission",
				     "Retransmission (sequence space sent before)",
				     expert.group.SEQUENCE, expert.severity.NOTE)
edu.experts = { ef_bad_doff, ef_bad_csum, ef_bad_flags, ef_retrans }

local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")

-- Per-direction state: ISN (for relative numbers) and the highest
-- sequence number seen (for the retransmission hint). Filled on the first
-- pass only; later passes read what the packet saw then.
local flows, streams, nstreams = {}, {}, 0
local per_packet = {}

local function ipv4_words(addr)
	local a, b, c, d = tostring(addr):match("(%d+)%.(%d+)%.(%d+)%.(%d+)")
	return shl(tonumber(a), 8) + tonumber(b), shl(tonumber(c), 8) + tonumber(d)
end

-- The Internet checksum (RFC 1071) over pseudo-header and segment.
local function edu_checksum(tvb, src, dst)
	local sum = 0
	local s1, s2 = ipv4_words(src)
	local d1, d2 = ipv4_words(dst)
	local len = tvb:len()
	sum = s1 + s2 + d1 + d2 + 253 + len
	for i = 0, len - 2, 2 do
		sum = sum + tvb(i, 2):uint()
	end
	if len % 2 == 1 then
		sum = sum + shl(tvb(len - 1, 1):uint(), 8)
	end
	while sum > 0xffff do
		sum = band(sum, 0xffff) + shr(sum, 16)
	end
	return sum
end

local function rel(v, base) return (v - base) % 4294967296 end

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
	local t = tree:add(edu, tvb(0, math.max(20, math.min(doff, tvb:len()))))

	t:add(f.srcport, tvb(0, 2))
	t:add(f.dstport, tvb(2, 2))
	t:add(f.port, tvb(0, 2)):set_hidden(true)
	t:add(f.port, tvb(2, 2)):set_hidden(true)

	local src, dst = tostring(ip_src()), tostring(ip_dst())
	local key = src .. ":" .. sport .. ">" .. dst .. ":" .. dport
	local rkey = dst .. ":" .. dport .. ">" .. src .. ":" .. sport
	local plen = tvb:len() - doff
	if doff < 20 or doff > tvb:len() then
		plen = 0
	end

	if not pinfo.visited then
		local fl = flows[key]
		if not fl or (band(flags, 0x02) ~= 0 and fl.isn ~= seq and band(flags, 0x10) == 0) then
			fl = { isn = seq, high = seq }
			flows[key] = fl
		end
		local ckey = (key < rkey) and key or rkey
		if not streams[ckey] then
			streams[ckey] = nstreams
			nstreams = nstreams + 1
		end
		local span = plen + ((band(flags, 0x03) ~= 0) and 1 or 0)
		local retrans = span > 0 and rel(seq, fl.isn) < rel(fl.high, fl.isn)
		local nxt = (seq + span) % 4294967296
		if rel(nxt, fl.isn) > rel(fl.high, fl.isn) then
			fl.high = nxt
		end
		local rfl = flows[rkey]
		per_packet[pinfo.number] = {
			isn = fl.isn, risn = rfl and rfl.isn or nil,
			stream = streams[ckey], retrans = retrans, span = span,
		}
	end
	local pp = per_packet[pinfo.number] or { isn = seq, stream = 0, span = 0 }

	t:add(f.stream, pp.stream):set_generated(true)
	t:add(f.seq, tvb(4, 4), rel(seq, pp.isn))
	t:add(f.seq_raw, tvb(4, 4))
	if pp.span > 0 then
		t:add(f.nxtseq, rel(seq + pp.span, pp.isn)):set_generated(true)
	end
	if band(flags, 0x10) ~= 0 then
		if pp.risn then
			t:add(f.ack, tvb(8, 4), rel(ack, pp.risn))
		end
		t:add(f.ack_raw, tvb(8, 4))
	end
	local hl = t:add(f.hdr_len, tvb(12, 1), doff)
	if doff < 20 or doff > tvb:len() then
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
	if band(flags, 0x03) == 0x03 or band(flags, 0x06) == 0x06 then
		ft:add_proto_expert_info(ef_bad_flags)
	end
	t:add(f.window, tvb(14, 2))

	local ct = t:add(f.checksum, tvb(16, 2))
	local status
	local sum = edu_checksum(tvb, src, dst)
	if sum == 0xffff then
		status = "Good"
	else
		-- CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum;
		-- the NIC completes it after the capture point.
		local s1, s2 = ipv4_words(src)
		local d1, d2 = ipv4_words(dst)
		local p = s1 + s2 + d1 + d2 + 253 + tvb:len()
		while p > 0xffff do
			p = band(p, 0xffff) + shr(p, 16)
		end
		if tvb(16, 2):uint() == p then
			status = "Partial (offloaded to the NIC)"
		else
			status = "Bad"
			ct:add_proto_expert_info(ef_bad_csum)
		end
	end
	t:add(f.csum_st, status):set_generated(true)
	t:add(f.reserved, tvb(18, 2))

	if doff > 20 and doff <= tvb:len() then
		local o = 20
		local ot = t:add(edu, tvb(20, doff - 20), "Options")
		while o < doff do
			local kind = tvb(o, 1):uint()
			if kind == 0 then
				break
			elseif kind == 1 then
				o = o + 1
			else
				if o + 1 >= doff then break end
				local olen = tvb(o + 1, 1):uint()
				if olen < 2 or o + olen > doff then break end
				if kind == 2 and olen == 4 then
					ot:add(f.opt_mss, tvb(o + 2, 2))
				elseif kind == 3 and olen == 3 then
					ot:add(f.opt_ws, tvb(o + 2, 1))
				end
				o = o + olen
			end
		end
	end
	t:add(f.len, plen):set_generated(true)
	if pp.retrans then
		t:add_proto_expert_info(ef_retrans)
	end

	local info = string.format("%d → %d [%s] Seq=%d", sport, dport,
				   table.concat(names, ", "), rel(seq, pp.isn))
	if band(flags, 0x10) ~= 0 and pp.risn then
		info = info .. string.format(" Ack=%d", rel(ack, pp.risn))
	end
	info = info .. string.format(" Win=%d Len=%d", win, plen)
	if status ~= "Good" then
		info = info .. " [csum " .. status .. "]"
	end
	if pp.retrans then
		info = "[Retransmission] " .. info
	end
	pinfo.cols.info = info
	return tvb:len()
end

DissectorTable.get("ip.proto"):add(253, edu)
