--[[
oclog redaction filter for Fluent Bit (filter `lua`, `call redact`).

Why: the records this pipeline tails on the OpenClaw VM (gateway log, session transcripts,
trajectories, audit ledgers) leave the VM for Azure Blob Storage, where they are kept for
months and read by people and tools that must never receive the credentials OpenClaw handles.
Transcripts quote tool calls and their output verbatim (a curl line with an Authorization
header, a `cat` of a key file), and Fluent Bit keeps the raw source line in `log` next to the
parsed fields, so a secret can sit in any string at any depth, often inside escaped JSON.

What is masked, in every string value at any depth, including array elements (keys are never
rewritten, numbers and booleans are never touched). Each match becomes `[REDACTED:<kind>]`,
keeping the surrounding text so an investigator still sees what was there:
  gateway-token  ocgw_<43 of [A-Za-z0-9_-]>, as a whole word: the shape of the token the VM's
                 start script generates per start (vm/bin/openclaw-gateway-start), so it is
                 masked without a copy on disk; and every literal from the literals file
  private-key    -----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY----- (body only;
                 real or JSON-escaped `\n`; a block cut off before its END line is masked to
                 the end of the string)
  anthropic      sk-ant-<20+ of [A-Za-z0-9_-]>
  openrouter     sk-or-<20+>            (sk-or-v1-...)
  openai         sk-<20+>               (sk-..., sk-proj-..., sk-svcacct-...)
  google         AIza<35>
  github         gh[pousr]_<36+ alnum>, github_pat_<22+ of [A-Za-z0-9_]>
  slack          xox[baprs]-<10+ of [A-Za-z0-9-]>
  aws            AKIA|ASIA<16 of [A-Z0-9]>, as a whole word
  bearer         `Bearer <token>`: keeps `Bearer `; the token needs 20+ chars, or 8+ with a
                 digit, so prose such as "Bearer authentication" is left alone
  sas            `sig=<value>` up to &, whitespace, quote or backslash; keeps `sig=`
  field          the whole string value of a key whose name, lowercased with `_` and `-`
                 removed, ends in password, passwd, secret, token, apikey, accesskey,
                 privatekey or authorization (so `client_secret`, `OPENAI_API_KEY`,
                 `gatewayToken` match; `totalTokens`, `maxTokens`, `input_tokens` do not, and
                 counters are numbers anyway); also the strings of an array under such a key,
                 and the same key/value pairs written inside a string: `"key":"value"` at any
                 JSON escaping depth (the raw `log` line, tslog's JSON-string arguments) and
                 `key=value` (logfmt, URL queries, env dumps), for key names whose stem is in
                 lower, Capitalized or UPPER case (`apiKey`, `API_KEY`; not `PassWord`).
Values that are already placeholders (`[REDACTED...`, OpenClaw's `__OPENCLAW_REDACTED__`,
`<redacted>`, and `${ENV_VAR}` references, which name a secret without holding it) are kept,
so filtering twice changes nothing.

Literals: a token of another shape (a gateway token set by hand) and any other secret known on
the VM go in a literals file, one per line; blank lines and literals
shorter than 8 characters are ignored. The file is read once at load from the path in the
environment variable OCLOG_REDACT_LITERALS, or /etc/oclog/redact-literals. A missing default
file means no literals; a file named by the variable that cannot be read is reported on stderr
(Fluent Bit's own log), and the filter runs without literals rather than stopping the pipeline.

Return codes follow the lua filter contract: 0 when nothing was masked (Fluent Bit keeps the
original record and skips re-encoding), 2 when the record was modified; the timestamp is kept.

Not masked (no reliable shape): an `Authorization: Basic ...` header written inside a string
(as a field value under an authorization key it is), a SAS signature URL-encoded as `sig%3D`,
and secrets with no known prefix outside secret-named keys; add those to the literals file.

Cost: strings shorter than 8 bytes are skipped, and each pattern runs only when a plain-text
anchor for it ("k-" after "s", "AIza", "PRIVATE KEY", "=" after "sig", ...) is present.
Anchors start with a byte that is rare in log text, because string.find(plain) skips ahead
with memchr on the first byte; a gsub, by contrast, tries every position of the string.

This file is generated into fluent-bit/ by oclog: the generator copies it verbatim. Edit it at
packages/fluent-bit/lua/redact.lua (tested under LuaJIT by test/redact-lua.test.ts). It uses
only the Lua standard library, because Fluent Bit embeds plain LuaJIT (Lua 5.1 semantics:
Lua patterns, no regex, no modules such as cjson).
]]

local find, sub, gsub, lower, byte, rep, match = string.find, string.sub, string.gsub, string.lower, string.byte, string.rep, string.match
local concat, sort = table.concat, table.sort
local pairs, type = pairs, type

-- Nothing we mask fits in fewer bytes (literals have at least 8, key bodies more).
local MIN_SCAN = 8
local MIN_LITERAL = 8
local DEFAULT_LITERALS = "/etc/oclog/redact-literals"

-- Lua 5.1 patterns have no {n}: fixed-length runs are spelled out with string.rep.
local function at_least(class, n) return rep(class, n) .. class .. "*" end

local KEY_CHAR = "[%w_%-]"
-- %f[%w] is a word boundary, so "task-..." or "desk-..." never start an "sk-" key.
local ANTHROPIC = "%f[%w]sk%-ant%-" .. at_least(KEY_CHAR, 20)
local OPENROUTER = "%f[%w]sk%-or%-" .. at_least(KEY_CHAR, 20)
local OPENAI = "%f[%w]sk%-" .. at_least(KEY_CHAR, 20)
local GOOGLE = "%f[%w]AIza" .. at_least(KEY_CHAR, 35)
local GITHUB = "%f[%w]gh[pousr]_" .. at_least("%w", 36)
local GITHUB_PAT = "%f[%w]github_pat_" .. at_least("[%w_]", 22)
local SLACK = "%f[%w]xox[baprs]%-" .. at_least("[%w%-]", 10)
local OCGW = "%f[%w]ocgw_" .. rep("[%w_%-]", 43) .. "%f[^%w_%-]"
-- Whole word only: the same 20 characters inside a longer upper-case run are not a key id.
local AWS = "%f[%w]A[SK]IA" .. rep("[%u%d]", 16) .. "%f[^%w]"
local BEARER = "(%f[%a][Bb][Ee][Aa][Rr][Ee][Rr]%s+)([%w%-%._~%+/]+=*)"
-- The value may not start with "[" so an already masked `sig=[REDACTED:sas]` stays as it is.
local SAS = "(%f[%w]sig=)[^&%s\"'\\%[][^&%s\"'\\]*"
local PEM_BEGIN = "%-%-%-%-%-BEGIN [%u ]*PRIVATE KEY[%u ]*%-%-%-%-%-"
local PEM_END = "%-%-%-%-%-END [%u ]*PRIVATE KEY[%u ]*%-%-%-%-%-"
local PEM_BLOCK = "(" .. PEM_BEGIN .. ").-(" .. PEM_END .. ")"
local PEM_CUT = "(" .. PEM_BEGIN .. ")[^%[].*$"

local function load_literals()
  local path = os.getenv("OCLOG_REDACT_LITERALS")
  local explicit = path ~= nil and path ~= ""
  if not explicit then path = DEFAULT_LITERALS end
  local f, err = io.open(path, "r")
  if not f then
    -- The default file is optional; a file someone named explicitly is expected to exist.
    if explicit or not find(err or "", "No such file", 1, true) then
      io.stderr:write("[oclog redact.lua] no literals loaded, gateway token is not masked: ", tostring(err), "\n")
    end
    return {}
  end
  local list, seen = {}, {}
  for line in f:lines() do
    local lit = match(line, "^%s*(.-)%s*$")
    if #lit >= MIN_LITERAL and not seen[lit] then
      seen[lit] = true
      list[#list + 1] = lit
    end
  end
  f:close()
  -- Longest first, so a literal that contains another is masked whole.
  sort(list, function(a, b) return #a > #b end)
  return list
end

local literals = load_literals()

local function replace_plain(s, lit, marker)
  local i = find(s, lit, 1, true)
  if not i then return s end
  local parts, n, pos, len = {}, 0, 1, #lit
  while i do
    parts[n + 1] = sub(s, pos, i - 1)
    parts[n + 2] = marker
    n = n + 2
    pos = i + len
    i = find(s, lit, pos, true)
  end
  parts[n + 1] = sub(s, pos)
  return concat(parts)
end

local function is_placeholder(v)
  return sub(v, 1, 9) == "[REDACTED" or v == "__OPENCLAW_REDACTED__" or lower(v) == "<redacted>"
    or find(v, "^%${[%w_]+}$") ~= nil
end

local SECRET_SUFFIXES = { "password", "passwd", "secret", "token", "apikey", "accesskey", "privatekey", "authorization" }
-- Records repeat the same few hundred keys; the cache is reset when odd keys (ids used as
-- map keys) would otherwise grow it without bound.
local key_cache, key_cache_size = {}, 0

local function is_secret_key(k)
  local hit = key_cache[k]
  if hit ~= nil then return hit end
  local nk = gsub(lower(k), "[_%-]", "")
  hit = false
  for i = 1, #SECRET_SUFFIXES do
    local suffix = SECRET_SUFFIXES[i]
    if #nk >= #suffix and sub(nk, -#suffix) == suffix then
      hit = true
      break
    end
  end
  if key_cache_size >= 4096 then key_cache, key_cache_size = {}, 0 end
  key_cache[k] = hit
  key_cache_size = key_cache_size + 1
  return hit
end

local function mask_field(v)
  if v == "" or is_placeholder(v) then return v end
  return "[REDACTED:field]"
end

-- Index of the last character of a JSON string value that starts at `from`, where the
-- structural quotes are escaped by `n` backslashes (0 in a JSON line, 1 in JSON inside a JSON
-- string, 3 one level deeper). A quote ends the value when the backslashes before it, modulo
-- 2n+2, number exactly n; a quote inside the value carries n+1 more.
local function quoted_value_end(s, from, n)
  local period = 2 * n + 2
  local q = find(s, '"', from, true)
  while q do
    local c, j = 0, q - 1
    while j >= from and byte(s, j) == 92 do
      c = c + 1
      j = j - 1
    end
    if c % period == n then return q - n - 1 end
    q = find(s, '"', q + 1, true)
  end
  return #s -- cut-off line: mask to the end rather than leak the rest
end

-- Stems a secret key name ends with, each found through a needle that starts with a byte
-- rare in log text (memchr then skips far ahead) in lower and upper case, so "token",
-- "Token" and "TOKEN" all hit "ken"/"KEN". { stem, needle, bytes of the stem before it }.
local KEY_NEEDLES = {
  { "password", "word", 4 }, { "password", "WORD", 4 },
  { "passwd", "wd", 4 }, { "passwd", "WD", 4 },
  { "secret", "cret", 2 }, { "secret", "CRET", 2 },
  { "token", "ken", 2 }, { "token", "KEN", 2 },
  { "key", "key", 0 }, { "key", "Key", 0 }, { "key", "KEY", 0 },
  { "authorization", "zation", 7 }, { "authorization", "ZATION", 7 },
}

local function is_alnum(b)
  return (b >= 48 and b <= 57) or (b >= 65 and b <= 90) or (b >= 97 and b <= 122)
end

local function is_key_byte(b) -- [A-Za-z0-9_-]
  return is_alnum(b) or b == 95 or b == 45
end

-- `"secret_key":"value"` and `secret_key=value` written inside a string. Only where a stem is
-- followed by a quote, backslash or "=" (a key can end there) is the whole key read back and
-- checked. Lowercasing the whole string instead would cost a pass and a copy per string.
local function mask_embedded_pairs(s)
  local ranges
  for ni = 1, #KEY_NEEDLES do
    local stem, needle, before = KEY_NEEDLES[ni][1], KEY_NEEDLES[ni][2], KEY_NEEDLES[ni][3]
    local hit = find(s, needle, 1, true)
    while hit do
      local i = hit - before
      local e = i + #stem - 1
      local next_byte = byte(s, e + 1)
      local vs, ve, json_end
      if i >= 1 and (next_byte == 34 or next_byte == 92 or next_byte == 61) and lower(sub(s, i, e)) == stem then
        local _, j_end, _, level = find(s, '^(\\*)"%s*:%s*(\\*)"', e + 1)
        json_end = j_end
        if json_end then
          vs = json_end + 1
          ve = quoted_value_end(s, vs, #level)
        elseif next_byte == 61 then -- "="
          local _, q_end, q_level = find(s, '^(\\*)"', e + 2)
          if q_end then
            vs = q_end + 1
            ve = quoted_value_end(s, vs, #q_level)
          else
            local b_start, b_end = find(s, "^[^%s&,;\"'\\=][^%s&,;\"'\\]*", e + 2)
            if b_start then vs, ve = b_start, b_end end
          end
        end
      end
      if vs and ve >= vs then
        local ks = i
        while ks > 1 and is_key_byte(byte(s, ks - 1)) do ks = ks - 1 end
        local quoted_key_ok = (not json_end) or byte(s, ks - 1) == 34 -- a JSON key starts at a quote
        if quoted_key_ok and is_secret_key(sub(s, ks, e)) and not is_placeholder(sub(s, vs, ve)) then
          ranges = ranges or {}
          ranges[#ranges + 1] = { vs, ve }
        end
      end
      hit = find(s, needle, hit + #needle, true)
    end
  end
  if not ranges then return s end
  sort(ranges, function(a, b) return a[1] < b[1] end)
  local parts, pos = {}, 1
  for ri = 1, #ranges do
    local r = ranges[ri]
    if r[1] >= pos then -- a range inside an already masked value is covered
      parts[#parts + 1] = sub(s, pos, r[1] - 1)
      parts[#parts + 1] = "[REDACTED:field]"
      pos = r[2] + 1
    end
  end
  parts[#parts + 1] = sub(s, pos)
  return concat(parts)
end

-- "gh" and "sk-" are common in prose ("through", "task-"), and a gsub walks the whole string
-- position by position; these loops look only at the few places a key could start.
local function has_github_prefix(s)
  local i = find(s, "gh", 1, true)
  while i do
    local c, u = byte(s, i + 2, i + 3)
    if u == 95 and (c == 112 or c == 111 or c == 117 or c == 115 or c == 114) then return true end -- gh[pousr]_
    i = find(s, "gh", i + 2, true)
  end
  return false
end

local function has_sk_prefix(s)
  local i = find(s, "k-", 2, true) -- "k" is far rarer than "s"
  while i do
    if byte(s, i - 1) == 115 and (i == 2 or not is_alnum(byte(s, i - 2))) then return true end -- the %f[%w] of the patterns
    i = find(s, "k-", i + 2, true)
  end
  return false
end

local function has_sig(s)
  local i = find(s, "=", 4, true) -- "=" is far rarer than "s"
  while i do
    local a, b, c = byte(s, i - 3, i - 1)
    if a == 115 and b == 105 and c == 103 then return true end -- "sig"
    i = find(s, "=", i + 1, true)
  end
  return false
end

local function keep_short_bearer(prefix, tok)
  if #tok >= 20 or (#tok >= 8 and find(tok, "%d")) then return prefix .. "[REDACTED:bearer]" end
  return nil -- gsub keeps the original match
end

-- Masks every secret in one string; returns the same (interned) string when nothing matched,
-- so callers detect a change with ~=.
local function scrub(s)
  if #s < MIN_SCAN then return s end
  -- Literals first: the gateway token is the most specific kind, and once masked the generic
  -- patterns below (bearer, key=value) see only the marker.
  for i = 1, #literals do
    s = replace_plain(s, literals[i], "[REDACTED:gateway-token]")
  end
  if find(s, "ocgw_", 1, true) then s = gsub(s, OCGW, "[REDACTED:gateway-token]") end
  if find(s, "PRIVATE KEY", 1, true) then
    s = gsub(s, PEM_BLOCK, "%1[REDACTED:private-key]%2")
    s = gsub(s, PEM_CUT, "%1[REDACTED:private-key]")
  end
  if has_sk_prefix(s) then
    -- Most specific prefix first: the OpenAI pattern would also match the other two.
    s = gsub(s, ANTHROPIC, "[REDACTED:anthropic]")
    s = gsub(s, OPENROUTER, "[REDACTED:openrouter]")
    s = gsub(s, OPENAI, "[REDACTED:openai]")
  end
  if find(s, "AIza", 1, true) then s = gsub(s, GOOGLE, "[REDACTED:google]") end
  if has_github_prefix(s) then s = gsub(s, GITHUB, "[REDACTED:github]") end
  if find(s, "github_pat_", 1, true) then s = gsub(s, GITHUB_PAT, "[REDACTED:github]") end
  if find(s, "xox", 1, true) then s = gsub(s, SLACK, "[REDACTED:slack]") end
  if find(s, "AKIA", 1, true) or find(s, "ASIA", 1, true) then s = gsub(s, AWS, "[REDACTED:aws]") end
  -- Anchors that start with a rare byte: memchr skips far ahead (an "e..." anchor would stop
  -- every few bytes).
  if find(s, "Bearer", 1, true) or find(s, "bearer", 1, true) or find(s, "BEARER", 1, true) then s = gsub(s, BEARER, keep_short_bearer) end
  if has_sig(s) then s = gsub(s, SAS, "%1[REDACTED:sas]") end
  -- Last, so a provider key in `OPENAI_API_KEY=sk-...` keeps its specific kind.
  if find(s, '"', 1, true) or find(s, "=", 1, true) then s = mask_embedded_pairs(s) end
  return s
end

local function walk(t, under_secret_key)
  local changed = false
  for k, v in pairs(t) do
    local tv = type(v)
    if tv == "string" then
      local nv
      if (under_secret_key and type(k) == "number") or (type(k) == "string" and is_secret_key(k)) then
        nv = mask_field(v)
      else
        nv = scrub(v)
      end
      if nv ~= v then
        t[k] = nv -- assigning to an existing key is allowed while iterating
        changed = true
      end
    elseif tv == "table" then
      -- Arrays under a secret key (`authorization: ["Bearer ..."]`) are masked element by
      -- element; objects under one (OpenClaw's SecretRef `token: {source, id}`) stay readable.
      if walk(v, type(k) == "string" and is_secret_key(k)) then changed = true end
    end
  end
  return changed
end

function redact(tag, timestamp, record)
  if walk(record, false) then return 2, timestamp, record end
  return 0, timestamp, record
end
