-- Benchmark driver for redact.lua, timed inside LuaJIT with os.clock so process start-up and
-- reading the input are not counted.
-- usage: luajit bench.lua <redact.lua> <records.jsonl> <total records> <rounds>
--        <empty literals file> <literals file with one gateway token>
-- Each call first decodes the record's JSON line into a fresh table: a stand-in for the
-- msgpack-to-Lua conversion Fluent Bit does before every lua filter call, so the passthrough
-- case is what any lua filter costs and the ratio is what redaction adds on top.
-- stdout: one JSON object {"cases": [{"name", "items", "seconds", "modified"}]}, best round each.
local cjson = require("cjson")
local script, records_path, total, rounds = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
local no_literals, one_literal = arg[5], arg[6]

local lines = {}
for line in io.lines(records_path) do
  if line ~= "" then lines[#lines + 1] = line end
end

-- Loads redact.lua in its own environment whose os.getenv names `literals_path`, the way
-- Fluent Bit would load it with OCLOG_REDACT_LITERALS set; returns its `redact`.
local function load_redact(literals_path)
  local chunk = assert(loadfile(script))
  local fake_os = setmetatable({ getenv = function(name)
    if name == "OCLOG_REDACT_LITERALS" then return literals_path end
    return os.getenv(name)
  end }, { __index = os })
  local env = setmetatable({ os = fake_os }, { __index = _G })
  setfenv(chunk, env)
  chunk()
  return assert(env.redact, "redact.lua did not define redact")
end

local cases = {
  { name = "passthrough callback (return 0)", fn = function(tag, ts, record) return 0, ts, record end },
  { name = "redact.lua", fn = load_redact(no_literals) },
  { name = "redact.lua + gateway token literal", fn = load_redact(one_literal) },
}

local decode, clock, n_lines = cjson.decode, os.clock, #lines
local function run(fn)
  local modified = 0
  local start = clock()
  for i = 0, total - 1 do
    local record = decode(lines[i % n_lines + 1])
    local code = fn("openclaw", 1795600221.845, record)
    if code ~= 0 then modified = modified + 1 end
  end
  return clock() - start, modified
end

local best = {}
for _ = 1, rounds do
  -- Interleaved rounds, best kept: machine noise does not favour whichever case ran first.
  for ci, c in ipairs(cases) do
    local seconds, modified = run(c.fn)
    if not best[ci] or seconds < best[ci].seconds then
      best[ci] = { name = c.name, items = total, seconds = seconds, modified = modified }
    end
  end
end
io.write(cjson.encode({ cases = best }), "\n")
