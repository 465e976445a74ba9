--[[
oclog SAS expiry gate: the nginx access handler in front of the OpenClaw gateway.

The VM must not be usable without a working log record. Fluent Bit ships with a SAS token that
expires; the public state file (packages/sas/src/sas-state.ts, default /run/oclog/sas-state.json)
says when, and whether shipping works. For every request except the health endpoint this module:

  passes                 more than `warn_seconds` (default 24 h) left and shipping "ok", or "unknown"
                         for less than `unknown_grace_seconds` (default 15 min) after installed_at;
  passes with a notice   inside the warning window: header `X-Oclog-Sas-Expires-In: <seconds>`, and
                         once per browser session a banner page (200) with the renew command;
  blocks with 503        expired, less than 15 minutes left, shipping "failing", shipping "unknown"
                         past its grace period (or installed_at in the future), or a state file that
                         is missing, unreadable, not a regular file, a symbolic link (or reached through
                         one), empty, larger than 64 KiB, not JSON, or not the contract.
  Any Lua error is caught and answers 503 (fail closed); if the module itself cannot load, the
  server's `error_page 500 =503` answers instead (see oclog-gateway.conf).

Used from oclog-gateway.conf:  access_by_lua_block { require("gate").access({ ... }) }
                               log_by_lua_block { require("gate").log() }

Connections it let in (WebSockets, streamed answers) close when it closes: each worker re-checks
the gate every second while it holds any, and ends itself once the gate is closed (see "Connections
the gate let in" below).

Caching: each nginx worker keeps the parsed state file (or why it is unusable) for at most
`cache_seconds` (default and maximum 5 s; 0 reads the file on every request). Only the file read is
cached: the time comparison runs on every request against ngx.now(), so a token that expires while
cached is blocked at once.

Needs: ngx_lua with LuaJIT (Debian libnginx-mod-http-lua + lua-resty-core) and lua-cjson (Debian
package lua-cjson; it is not a dependency of libnginx-mod-http-lua). Without lua-cjson, or on a CPU
other than x86-64/arm64, every request is blocked with a reason in the error log.
]]

local ffi = require "ffi"
local bit = require "bit"

local ngx = ngx
local C = ffi.C
local band, bor = bit.band, bit.bor
local floor = math.floor
local byte, find, format, gsub, match, sub = string.byte, string.find, string.format, string.gsub, string.match, string.sub
local concat = table.concat
local error, pairs, pcall, tonumber, tostring, type = error, pairs, pcall, tonumber, tostring, type

local _M = { _VERSION = "1.0" }

local DEFAULT_STATE_FILE = "/run/oclog/sas-state.json"
local DEFAULT_FALLBACK_COMMAND = "oclog sas rotate --vm <this VM's name>"
local MAX_BYTES = 64 * 1024 -- SAS_STATE_MAX_BYTES
local BLOCK_SECONDS = 15 * 60
local DEFAULT_WARN_SECONDS = 24 * 3600
local DEFAULT_CACHE_SECONDS = 5
local MAX_CACHE_SECONDS = 5
-- `shipping: "unknown"` (oclog sas install writes it; the guard replaces it with ok or failing
-- within a few runs, or with failing after its --failing-after-minutes of unreadable metrics):
-- open for this long after installed_at, then closed. 15 min is the guard's 10 min plus a margin.
local DEFAULT_UNKNOWN_GRACE_SECONDS = 15 * 60
local MAX_UNKNOWN_GRACE_SECONDS = 24 * 3600
-- How far in the future installed_at may be (clock steps after an install) before it is refused:
-- a later one would stretch the grace period.
local INSTALLED_SKEW_SECONDS = 60
-- How often each worker re-checks the gate while it proxies connections the gate let in.
local WATCH_SECONDS = 1
-- Only connections open this long are worth ending a worker for: an ordinary request admitted
-- just before the gate closed finishes on its own in milliseconds, and cutting it would turn its
-- answer into a reset (seen as a flaky "socket hang up" in the cache test). A WebSocket or stream
-- opened just before the closure is cut at most this much later.
local CUT_AFTER_SECONDS = 2
local SIGTERM = 15
local NOTICE_COOKIE = "oclog_sas_notice"
local CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

-- JSON: lua-cjson, made strict: no NaN/Infinity/hex numbers, and at most one level of nesting
-- below the object (the state is flat; a nested value then fails the contract, deeper ones the parse).
local json, json_missing
do
  local ok, mod = pcall(require, "cjson.safe")
  if ok then
    json = mod.new()
    json.decode_invalid_numbers(false)
    json.decode_max_depth(2)
  else
    json_missing = "lua-cjson is not loadable (install the Debian package lua-cjson): " .. tostring(mod)
  end
end

-- File access through the C library, so the gate can refuse symbolic links (O_NOFOLLOW) and check
-- type and size on the opened descriptor (statx) before reading: no race between check and read.
-- Names are redirected with __asm__ so they cannot clash with declarations of other modules.
pcall(ffi.cdef, [[
struct oclog_gate_statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct oclog_gate_statx {
  uint32_t stx_mask; uint32_t stx_blksize; uint64_t stx_attributes;
  uint32_t stx_nlink; uint32_t stx_uid; uint32_t stx_gid; uint16_t stx_mode; uint16_t spare0;
  uint64_t stx_ino; uint64_t stx_size; uint64_t stx_blocks; uint64_t stx_attributes_mask;
  struct oclog_gate_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  uint64_t spare2[14];
};
int oclog_gate_open(const char *path, int flags, ...) __asm__("open");
int oclog_gate_close(int fd) __asm__("close");
long oclog_gate_read(int fd, void *buf, size_t count) __asm__("read");
long oclog_gate_readlink(const char *path, char *buf, size_t size) __asm__("readlink");
int oclog_gate_statx(int dirfd, const char *path, int flags, unsigned int mask, struct oclog_gate_statx *buf) __asm__("statx");
int oclog_gate_kill(int pid, int sig) __asm__("kill");
]])

-- struct statx is the same on every architecture; open(2) flags are not: O_NOFOLLOW differs
-- between x86-64 and arm64 (the other flags used here are equal on both).
local O_NOFOLLOW = ({ x64 = 0x20000, arm64 = 0x8000 })[ffi.arch]
local OPEN_FLAGS = O_NOFOLLOW and bor(0x800 --[[O_NONBLOCK]], 0x100 --[[O_NOCTTY]], 0x80000 --[[O_CLOEXEC]], O_NOFOLLOW)
local platform_missing = not O_NOFOLLOW and ("unsupported CPU architecture " .. tostring(ffi.arch)) or nil
local AT_EMPTY_PATH, STATX_TYPE, STATX_SIZE = 0x1000, 0x1, 0x200
local S_IFMT, S_IFREG = 0xF000, 0x8000
local ENOENT, EINTR, EACCES, ENOTDIR, ELOOP = 2, 4, 13, 20, 40

local statx_buf = ffi.new("struct oclog_gate_statx")
local read_buf = ffi.new("uint8_t[?]", MAX_BYTES + 1)
local link_buf = ffi.new("char[?]", 4097)

-- Text from the state file (or a path, or a field name) that reaches a page or the error log:
-- control characters (C0, DEL, C1: terminal escapes, forged log lines, a NUL) and bidi controls
-- (a renew command that reads differently than it runs) become U+FFFD, and it is cut to `max`
-- bytes (at a character boundary) so one hostile value cannot flood the log.
local REPLACEMENT = "\239\191\189"
local function clean(s, max)
  s = tostring(s)
  if max and #s > max then
    local cut = max
    while cut > 0 and band(byte(s, cut + 1) or 0, 0xC0) == 0x80 do cut = cut - 1 end
    s = sub(s, 1, cut) .. "..."
  end
  s = gsub(s, "[%z\1-\31\127]", REPLACEMENT)
  s = gsub(s, "\194[\128-\159]", REPLACEMENT)
  s = gsub(s, "\226\128[\142\143\170-\174]", REPLACEMENT)
  return (gsub(s, "\226\129[\166-\169]", REPLACEMENT))
end
_M.clean = clean

local function reading_error(code, detail)
  return nil, code, detail
end

-- Reads an opened descriptor: regular file, at most MAX_BYTES, opened under exactly `path`.
local function read_descriptor(fd, path)
  if C.oclog_gate_statx(fd, "", AT_EMPTY_PATH, STATX_TYPE + STATX_SIZE, statx_buf) ~= 0 then
    return reading_error("unreadable", "cannot stat the state file (errno " .. ffi.errno() .. ")")
  end
  if band(statx_buf.stx_mask, STATX_TYPE + STATX_SIZE) ~= STATX_TYPE + STATX_SIZE then
    return reading_error("unreadable", "the kernel did not report the state file's type and size")
  end
  if band(statx_buf.stx_mode, S_IFMT) ~= S_IFREG then
    return reading_error("not-regular", "the state file is not a regular file")
  end
  local size = tonumber(statx_buf.stx_size)
  if size > MAX_BYTES then
    return reading_error("oversize", format("the state file is %d bytes; at most %d are allowed", size, MAX_BYTES))
  end
  -- O_NOFOLLOW only covers the last component: the kernel's name for the descriptor shows a
  -- symbolic link anywhere in the path. " (deleted)" means the file was atomically replaced after
  -- it was opened; what was read is then the previous complete version.
  local n = tonumber(C.oclog_gate_readlink("/proc/self/fd/" .. fd, link_buf, 4096))
  if n < 0 then
    return reading_error("unreadable", "cannot resolve the state file's path through /proc (errno " .. ffi.errno() .. ")")
  end
  local real = ffi.string(link_buf, n)
  if real ~= path and real ~= path .. " (deleted)" then
    return reading_error("symlink", "the state file path goes through a symbolic link (it resolves to " .. real .. ")")
  end
  local total = 0
  while total <= MAX_BYTES do
    local got = tonumber(C.oclog_gate_read(fd, read_buf + total, MAX_BYTES + 1 - total))
    if got == 0 then break end
    if got < 0 then
      local errno = ffi.errno()
      if errno ~= EINTR then return reading_error("unreadable", "cannot read the state file (errno " .. errno .. ")") end
    else
      total = total + got
    end
  end
  if total > MAX_BYTES then
    return reading_error("oversize", format("the state file grew beyond %d bytes while being read", MAX_BYTES))
  end
  if total == 0 then return reading_error("empty", "the state file is empty") end
  return ffi.string(read_buf, total)
end

local function read_state_file(path)
  if platform_missing then return reading_error("platform", platform_missing) end
  local fd = C.oclog_gate_open(path, OPEN_FLAGS)
  if fd < 0 then
    local errno = ffi.errno()
    if errno == ENOENT or errno == ENOTDIR then return reading_error("missing", "the state file does not exist") end
    if errno == ELOOP then return reading_error("symlink", "the state file is a symbolic link") end
    if errno == EACCES then return reading_error("unreadable", "nginx may not read the state file (permission denied)") end
    return reading_error("unreadable", "cannot open the state file (errno " .. errno .. ")")
  end
  local ok, content, code, detail = pcall(read_descriptor, fd, path)
  C.oclog_gate_close(fd)
  if not ok then error(content, 0) end
  return content, code, detail
end

-- "YYYY-MM-DDTHH:MM:SS[.fff]Z" to seconds since the epoch (UTC), or nil. Computed by hand
-- (days from civil date, proleptic Gregorian) so no local time zone can get in the way.
local DAYS_IN_MONTH = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function parse_utc(s)
  if type(s) ~= "string" then return nil end
  local y, mo, d, h, mi, sec, frac = match(s, "^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)([%.%d]*)Z$")
  if not y then return nil end
  if frac ~= "" and not find(frac, "^%.%d+$") then return nil end
  y, mo, d, h, mi, sec = tonumber(y), tonumber(mo), tonumber(d), tonumber(h), tonumber(mi), tonumber(sec)
  if mo < 1 or mo > 12 or d < 1 or h > 23 or mi > 59 or sec > 59 then return nil end
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  if d > DAYS_IN_MONTH[mo] + ((mo == 2 and leap) and 1 or 0) then return nil end
  local yy = mo <= 2 and y - 1 or y
  local era = floor(yy / 400)
  local yoe = yy - era * 400
  local doy = floor((153 * (mo > 2 and mo - 3 or mo + 9) + 2) / 5) + d - 1
  local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
  local days = era * 146097 + doe - 719468
  return days * 86400 + h * 3600 + mi * 60 + sec + (frac ~= "" and tonumber("0" .. frac) or 0)
end
_M.parse_utc = parse_utc

-- String length in UTF-16 code units, as zod's .min/.max count it.
local function utf16_length(s)
  local n = 0
  for i = 1, #s do
    local b = byte(s, i)
    if b < 0x80 or b >= 0xC0 then n = n + (b >= 0xF0 and 2 or 1) end
  end
  return n
end

local function string_between(min, max)
  return function(v)
    if type(v) ~= "string" then return "must be a string" end
    local n = utf16_length(v)
    if n < min or n > max then return format("must be %d to %d characters long", min, max) end
  end
end

local function utc_time(v)
  if not parse_utc(v) then return "must be an ISO 8601 UTC time like 2026-12-02T10:00:00Z" end
end

local function pattern(p, what)
  return function(v)
    if type(v) ~= "string" or not find(v, p) then return "must be " .. what end
  end
end

-- Azure's naming rules, as sas-fields.ts's ACCOUNT_NAME and CONTAINER_NAME: no name the TS contract
-- refuses may open the gate.
local function azure_name(min, max, p, what)
  return function(v)
    if type(v) ~= "string" or #v < min or #v > max or not find(v, p) or find(v, "--", 1, true) then return "must be " .. what end
  end
end

-- The contract (sas-state.ts, a strict zod object): every field, in order, with its check.
local FIELDS = {
  { "version", true, function(v) if v ~= 1 then return "must be 1" end end },
  { "account", true, azure_name(3, 24, "^[a-z0-9]+$", "a storage account name (3 to 24 lowercase letters and digits)") },
  { "container", true, azure_name(3, 63, "^[a-z0-9][a-z0-9-]*[a-z0-9]$", "a container name (3 to 63 lowercase letters, digits and single hyphens)") },
  { "expires_at", true, utc_time },
  { "issued_at", true, utc_time },
  { "installed_at", true, utc_time },
  { "permissions", true, pattern("^[racwdxltmeopi]+$", "SAS permission letters such as cw") },
  { "fingerprint", true, pattern("^sha256:" .. string.rep("[0-9a-f]", 16) .. "$", "sha256: and 16 lower-case hex digits") },
  { "shipping", true, function(v)
      if v ~= "ok" and v ~= "failing" and v ~= "unknown" then return 'must be "ok", "failing" or "unknown"' end
    end },
  { "shipping_checked_at", false, utc_time },
  { "shipping_reason", false, string_between(0, 500) },
  { "renew_command", true, string_between(0, 300) },
}
local KNOWN = {}
for _, f in pairs(FIELDS) do KNOWN[f[1]] = true end

-- lua-cjson accepts raw control characters inside strings and ignores everything after a NUL
-- byte; JSON (and JSON.parse, which the TS side reads the file with) allows neither. Refused
-- here so the gate never reads a file differently from the code that wrote it.
local function raw_control(content)
  if find(content, "[%z\1-\8\11\12\14-\31]") then return true end
  local at = 1
  while true do
    local open = find(content, '"', at, true)
    if not open then return false end
    local i = open + 1
    while true do
      local k = find(content, '["\\%z\1-\31]', i)
      if not k then return false end -- unterminated: the parser reports it
      local c = byte(content, k)
      if c == 34 then at = k + 1 break end
      if c ~= 92 then return true end
      i = k + 2
    end
  end
end

-- Parses and checks the file's content. Returns the state, or nil, a code and a reason (and the
-- renew command when it could still be read, so the blocked page can show it).
local function parse_state(content)
  if not json then return nil, "no-json-parser", json_missing end
  if raw_control(content) then
    return nil, "invalid-json", "the state file is not valid JSON (it holds a raw control character: inside a string it must be escaped, elsewhere only spaces, tabs and line breaks may stand)"
  end
  local obj, err = json.decode(content)
  if obj == nil then return nil, "invalid-json", "the state file is not valid JSON (" .. tostring(err) .. ")" end
  if type(obj) ~= "table" then return nil, "contract", "the state file is not a JSON object" end
  local renew = obj.renew_command
  if type(renew) ~= "string" or renew == "" or utf16_length(renew) > 300 then renew = nil end
  for i = 1, #FIELDS do
    local name, required, check = FIELDS[i][1], FIELDS[i][2], FIELDS[i][3]
    local v = obj[name]
    if v == nil then
      if required then return nil, "contract", "the state file has no " .. name, renew end
    else
      local problem = check(v)
      if problem then return nil, "contract", name .. " " .. problem, renew end
    end
  end
  for k in pairs(obj) do
    if not KNOWN[k] then
      return nil, "contract", "the state file has an unknown field " .. clean(k, 64), renew
    end
  end
  local fingerprint = obj.fingerprint
  return {
    expires = parse_utc(obj.expires_at),
    expires_at = obj.expires_at,
    installed = parse_utc(obj.installed_at),
    installed_at = obj.installed_at,
    shipping = obj.shipping,
    shipping_reason = obj.shipping_reason,
    renew = renew,
    -- The banner cookie is per token: a new token inside the window shows the banner again.
    notice = sub(fingerprint, 8),
  }
end

-- Per-worker cache: path -> { at = ngx.now() of the read, entry = state or { code, detail, renew } }.
local cache = {}
local last_logged = {}

local function load(path, ttl, now)
  local cached = cache[path]
  -- A clock that went backwards also invalidates the entry.
  if cached and now >= cached.at and now - cached.at < ttl then return cached.entry end
  local content, code, detail = read_state_file(path)
  local entry
  if content then
    local state, pcode, pdetail, renew = parse_state(content)
    entry = state or { code = pcode, detail = pdetail, renew = renew }
  else
    entry = { code = code, detail = detail }
  end
  cache[path] = { at = now, entry = entry }
  local summary = entry.code and (entry.code .. ": " .. entry.detail) or "ok"
  if last_logged[path] ~= summary then
    last_logged[path] = summary
    ngx.log(entry.code and ngx.WARN or ngx.NOTICE, "oclog gate: state file ", path, ": ", clean(summary, 600))
  end
  return entry
end

local function options(o)
  if type(o) ~= "table" then error("gate options must be a table", 0) end
  local path = o.state_file or DEFAULT_STATE_FILE
  if type(path) ~= "string" or sub(path, 1, 1) ~= "/" then error("state_file must be an absolute path", 0) end
  local warn = o.warn_seconds or DEFAULT_WARN_SECONDS
  if type(warn) ~= "number" or warn < 0 then error("warn_seconds must be a number >= 0", 0) end
  local ttl = o.cache_seconds or DEFAULT_CACHE_SECONDS
  if type(ttl) ~= "number" or ttl < 0 or ttl > MAX_CACHE_SECONDS then
    error("cache_seconds must be a number from 0 to " .. MAX_CACHE_SECONDS, 0)
  end
  local fallback = o.fallback_command or DEFAULT_FALLBACK_COMMAND
  if type(fallback) ~= "string" then error("fallback_command must be a string", 0) end
  local grace = o.unknown_grace_seconds or DEFAULT_UNKNOWN_GRACE_SECONDS
  if type(grace) ~= "number" or grace < 0 or grace > MAX_UNKNOWN_GRACE_SECONDS then
    error("unknown_grace_seconds must be a number from 0 to " .. MAX_UNKNOWN_GRACE_SECONDS, 0)
  end
  return path, warn, ttl, fallback, grace
end

local function duration(seconds)
  seconds = floor(seconds)
  if seconds < 60 then return seconds .. " s" end
  local d, h, m = floor(seconds / 86400), floor(seconds % 86400 / 3600), floor(seconds % 3600 / 60)
  if d > 0 then return format("%d d %d h %d min", d, h, m) end
  if h > 0 then return format("%d h %d min", h, m) end
  return m .. " min"
end

-- The decision for this request: "pass", "notice" or "block", with what the pages need.
local function decide(o)
  local path, warn, ttl, fallback, grace = options(o)
  local now = ngx.now()
  local entry = load(path, ttl, now)
  if entry.code then
    return { kind = "block", code = entry.code, reason = entry.detail, command = entry.renew or fallback }
  end
  local remaining = entry.expires - now
  local command = entry.renew or fallback
  if entry.shipping == "failing" then
    local reason = "Fluent Bit reports that it cannot deliver this VM's logs (shipping: failing)"
    if entry.shipping_reason and entry.shipping_reason ~= "" then reason = reason .. ": " .. entry.shipping_reason end
    return { kind = "block", code = "shipping-failing", reason = reason, command = command, remaining = remaining }
  end
  if remaining <= 0 then
    return { kind = "block", code = "expired", command = command, remaining = remaining,
      reason = "The log shipping token expired at " .. entry.expires_at .. ", " .. duration(-remaining) .. " ago" }
  end
  if remaining < BLOCK_SECONDS then
    return { kind = "block", code = "expiring", command = command, remaining = remaining,
      reason = "The log shipping token expires at " .. entry.expires_at .. ", in " .. duration(remaining)
        .. ": less than the 15 minutes it needs to stay usable" }
  end
  if entry.shipping == "unknown" then
    local age = now - entry.installed
    if age < -INSTALLED_SKEW_SECONDS then
      return { kind = "block", code = "shipping-unknown", command = command, remaining = remaining,
        reason = "Nobody has confirmed that this VM's logs are delivered (shipping: unknown), and installed_at ("
          .. entry.installed_at .. ") is " .. duration(-age) .. " in the future, so the grace period cannot be counted" }
    end
    if age >= grace then
      return { kind = "block", code = "shipping-unknown", command = command, remaining = remaining,
        reason = "Nobody has confirmed that this VM's logs are delivered (shipping: unknown) in the "
          .. duration(age) .. " since the token was installed at " .. entry.installed_at
          .. "; the gate allows " .. duration(grace) .. ". On the VM, check that oclog-guard.timer runs (systemctl status oclog-guard.timer) and that Fluent Bit is up" }
    end
  end
  if remaining <= warn then
    return { kind = "notice", command = command, remaining = remaining, expires_at = entry.expires_at, notice = entry.notice }
  end
  return nil -- pass: nothing to add
end

local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local function html(s)
  return (gsub(clean(s), "[&<>\"']", ESCAPES))
end
_M.html_escape = html

local STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}"
  .. "pre{background:#f2f2f2;padding:.8rem 1rem;border-radius:.3rem;white-space:pre-wrap;word-break:break-all}"
  .. ".reason{color:#8a1c1c}a.button{display:inline-block;padding:.5rem 1rem;background:#1b4f8a;color:#fff;"
  .. "border-radius:.3rem;text-decoration:none}"

local function page(title, body)
  return concat({
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>", html(title), "</title><style>", STYLE, "</style></head><body>\n",
    "<h1>", html(title), "</h1>\n", body, "\n</body></html>\n",
  })
end

local function common_headers()
  ngx.header["Content-Type"] = "text/html; charset=utf-8"
  ngx.header["Cache-Control"] = "no-store"
  ngx.header["Content-Security-Policy"] = CSP
  ngx.header["X-Content-Type-Options"] = "nosniff"
  ngx.header["X-Frame-Options"] = "DENY"
end

local function send_block(d)
  ngx.status = ngx.HTTP_SERVICE_UNAVAILABLE
  common_headers()
  ngx.header["X-Oclog-Gate-Block"] = d.code
  if d.remaining and d.remaining > 0 then ngx.header["X-Oclog-Sas-Expires-In"] = tostring(floor(d.remaining)) end
  ngx.print(page("OpenClaw is locked: this VM's log record is not working", concat({
    '<p class="reason">', html((gsub(d.reason, "%.$", ""))), ".</p>\n",
    "<p>This VM is only usable while its activity is being recorded. To unlock it, run this on the host:</p>\n",
    "<pre><code>", html(d.command), "</code></pre>\n",
    "<p>Then reload this page: the gate reads the new state within a few seconds.</p>",
  })))
  return ngx.exit(ngx.HTTP_OK) -- the 503 and its body are already sent; end the request here
end

-- A browser opening a page (not fetch/XHR, not a WebSocket, not an API client). Only asked inside
-- the warning window; reads three request headers through nginx variables (cheaper than
-- ngx.req.get_headers, which copies them all).
local function is_page_navigation()
  if ngx.req.get_method() ~= "GET" then return false end
  local var = ngx.var
  local accept = var.http_accept
  if not accept or not find(accept, "text/html", 1, true) then return false end
  if var.http_upgrade then return false end
  local mode = var.http_sec_fetch_mode
  return mode == nil or mode == "navigate"
end

local function send_notice(d)
  -- The banner is shown once per browser session: its response sets a session cookie (no
  -- Expires/Max-Age) naming this token, and "Continue" reloads the same address (an empty href
  -- is the current URL: nothing from the request is echoed and nothing can redirect elsewhere).
  ngx.header["Set-Cookie"] = NOTICE_COOKIE .. "=" .. d.notice .. "; Path=/; HttpOnly; SameSite=Lax"
  common_headers()
  ngx.print(page("The log shipping token of this VM expires soon", concat({
    "<p>It expires at ", html(d.expires_at), ", in <strong>", html(duration(d.remaining)), "</strong>. ",
    "When it does, this VM is locked until a new token is installed. Renew it now by running this on the host:</p>\n",
    "<pre><code>", html(d.command), "</code></pre>\n",
    '<p><a class="button" href="">Continue to OpenClaw</a></p>',
    "<p>This notice is shown once per browser session.</p>",
  })))
  return ngx.exit(ngx.HTTP_OK)
end

local function send_failed(command)
  ngx.status = ngx.HTTP_SERVICE_UNAVAILABLE
  common_headers()
  ngx.header["X-Oclog-Gate-Block"] = "internal-error"
  ngx.print(page("OpenClaw is locked: the access gate failed", concat({
    '<p class="reason">The gate that checks this VM\'s log record could not decide, so it refuses access.</p>\n',
    "<p>Check the nginx error log on the VM (look for \"oclog gate\"), and renew the log shipping token on the host:</p>\n",
    "<pre><code>", html(command), "</code></pre>",
  })))
  return ngx.exit(ngx.HTTP_OK)
end

local function evaluate(o)
  local d = decide(o)
  if d and d.kind == "notice" then
    d.banner = is_page_navigation() and ngx.var["cookie_" .. NOTICE_COOKIE] ~= d.notice
  end
  return d
end

-- Connections the gate let in outlive its decision: a WebSocket is a raw tunnel after the 101
-- and a streamed response can run for minutes, and nginx runs the access phase once per request.
-- So each worker keeps the requests it let through that are still being proxied (the log phase
-- runs when one ends), and while there are any, a timer re-checks the gate every WATCH_SECONDS.
-- When it is closed, the worker names each of them in the error log (their access-log line is
-- never written: nginx writes it when a request ends, and this one is cut), then ends itself
-- with SIGTERM (nginx's fast shutdown: every connection it holds is closed at once) and the
-- master starts a fresh one. That only costs what the gate refuses anyway; /healthz requests in
-- flight on that worker are cut too.
local admitted = {} -- $request_id -> { id, method, uri, upgrade, from, since }
local inflight = 0
local watch_options
local watching = false

local function watch(premature)
  if premature or inflight <= 0 then return end
  local oldest = ngx.now()
  for _, a in pairs(admitted) do
    if a.since < oldest then oldest = a.since end
  end
  if ngx.now() - oldest < CUT_AFTER_SECONDS then return end
  local ok, d = pcall(decide, watch_options)
  local code
  if not ok then code = "internal-error" elseif d and d.kind == "block" then code = d.code end
  if not code then return end
  local now = ngx.now()
  for _, a in pairs(admitted) do
    ngx.log(ngx.WARN, "oclog gate: closed (", code, "): cutting ", a.upgrade and "WebSocket " or "", a.method, " ",
      clean(a.uri, 200), " (request_id ", a.id, ", from ", a.from, ", open ", floor(now - a.since), " s)")
  end
  ngx.log(ngx.WARN, "oclog gate: closed (", code, ") with ", inflight, " connection(s) it let in still open",
    ": ending this worker so they close; the master starts a new one")
  C.oclog_gate_kill(ngx.worker.pid(), SIGTERM)
end

local function admit(o)
  local var = ngx.var
  -- Keyed by $request_id, not ngx.ctx: an internal redirect (error_page) clears ngx.ctx, and the
  -- request's end would then never be counted.
  admitted[var.request_id] = {
    id = var.request_id, method = ngx.req.get_method(), uri = var.uri, upgrade = var.http_upgrade ~= nil,
    from = var.remote_addr, since = ngx.now(),
  }
  inflight = inflight + 1
  watch_options = o
  if not watching then
    local ok, err = ngx.timer.every(WATCH_SECONDS, watch)
    if ok then
      watching = true
    else
      ngx.log(ngx.ERR, "oclog gate: cannot start the watch timer (", tostring(err), "): connections the gate let in",
        " stay open after it closes until they end")
    end
  end
end

--- The log handler: a request the gate let through has ended.
function _M.log()
  local id = ngx.var.request_id
  if admitted[id] then
    admitted[id] = nil
    inflight = inflight - 1
  end
end

--- The access handler. `o`: state_file, warn_seconds, cache_seconds, unknown_grace_seconds, fallback_command.
function _M.access(o)
  local ok, d = pcall(evaluate, o)
  if not ok then
    ngx.log(ngx.ERR, "oclog gate: internal error, failing closed: ", clean(d, 600))
    d = { kind = "block", code = "internal-error" }
  end
  if d == nil then return admit(o) end
  if d.kind == "notice" then
    ngx.header["X-Oclog-Sas-Expires-In"] = tostring(floor(d.remaining))
    if d.banner then return send_notice(d) end
    return admit(o)
  end
  if d.code == "internal-error" then
    local command = type(o) == "table" and type(o.fallback_command) == "string" and o.fallback_command or DEFAULT_FALLBACK_COMMAND
    return send_failed(command)
  end
  return send_block(d)
end

return _M
