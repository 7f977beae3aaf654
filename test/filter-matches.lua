-- Loaded by tshark (-X lua_script:filter-matches.lua -X lua_script1:FILTERS): one tap per display filter in the
-- file FILTERS (one a line), so that one pass over a capture tells, for each filter, the frames it matches with
-- their TCP streams, RTP SSRCs and DNS response flags. test/filter-matches.ts reads what this prints.
local filtersFile = ...
local tcpStream = Field.new("tcp.stream")
local rtpSsrc = Field.new("rtp.ssrc")
local dnsResponse = Field.new("dns.flags.response")

-- Every occurrence in the frame, joined by commas (as tshark -T fields -E occurrence=a -E aggregator=, prints them).
local function occurrences(field)
  local values = {}
  for i, fieldInfo in ipairs({ field() }) do
    values[i] = tostring(fieldInfo.value)
  end
  return table.concat(values, ",")
end

local count = 0
for filter in io.lines(filtersFile) do
  count = count + 1
  local index = count
  local registered, listener = pcall(Listener.new, nil, filter)
  if registered then
    function listener.packet(pinfo)
      print(table.concat({
        "match", index, pinfo.number, occurrences(tcpStream), occurrences(rtpSsrc), occurrences(dnsResponse)
      }, "\t"))
    end
  else
    print("invalid\t" .. index .. "\t" .. tostring(listener):gsub("%s+", " "))
  end
end
-- Said before the first packet: without it, a tshark that ignored this script would look like filters matching nothing.
print("filters\t" .. count)
