-- Test driver: runs redact.lua the way Fluent Bit's lua filter does, one call per record.
-- usage: luajit driver.lua <redact.lua>
-- stdin:  JSON lines {"tag": string, "ts": number, "record": object}
-- stdout: first {"globals": [names redact.lua added to _G]}, then per input line
--         {"code", "ts", "same", "before", "after"}. `before` is the record decoded and
--         encoded by cjson without the filter, so comparing it with `after` isolates what the
--         filter did from what the cjson round trip does (Debian's cjson turns [] into {}).
local cjson = require("cjson")

local script = assert(arg[1], "usage: luajit driver.lua <redact.lua>")

-- Fluent Bit's LuaJIT has no cjson or other modules: loading must need nothing but the
-- standard library, and only the callback may become a global.
local globals_before = {}
for name in pairs(_G) do globals_before[name] = true end
local real_require = require
require = function(name) error("redact.lua may use only the Lua standard library, it required " .. tostring(name), 2) end
dofile(script)
require = real_require
local added = {}
for name in pairs(_G) do
  if not globals_before[name] then added[#added + 1] = name end
end
table.sort(added)
io.write(cjson.encode({ globals = added }), "\n")

for line in io.lines() do
  local input = cjson.decode(line)
  local before = cjson.decode(line).record
  local code, ts, out = redact(input.tag, input.ts, input.record)
  io.write(cjson.encode({ code = code, ts = ts, same = out == input.record, before = before, after = out }), "\n")
end
