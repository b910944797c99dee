-- a ?? b: a unless it is nil (false stays), b evaluated only then. Left
-- associative, with the priority of `or`.
local n, f, t = nil, false, true
print(n ?? 1, f ?? 1, t ?? 1, 0 ?? 1, "" ?? 1, n ?? n, n ?? f)
print(n ?? n ?? 3, n ?? 2 ?? 3, 1 ?? n ?? 3)
-- The right side runs only when needed.
local calls = 0
local function side(v) calls = calls + 1 return v end
print(1 ?? side(2), f ?? side(3), calls)
print(n ?? side(4), calls)
-- Priority: below comparison and `and`, like `or`, left to right.
print(n ?? 1 + 1, n or n ?? 5, f or n ?? 6, n ?? f or 7, n ?? 1 == 1)
print(t and n ?? "r", (n ?? 2) * 3, n ?? 2 * 3, -(n ?? 4), #(n ?? "abc"))
-- Values with jumps on either side.
local x = 3
print(x > 1 ?? 5, n ?? x > 5, (x > 5 or n) ?? "both nil-ish", n ?? (x == 3 and "yes"))
-- Multiple results are truncated.
local function two() return 1, 2 end
print(two() ?? 0, n ?? two())
-- Fields, globals, upvalues, calls.
local cfg = { name = "cfg" }
local function get(k) return cfg[k] ?? ("no " .. k) end
print(get("name"), get("size"), undefined_coal ?? "global default")
print(cfg?.port ?? 8080, cfg.opts?.debug ?? f)
-- In conditions.
if n ?? t then print("taken") end
if f ?? t then print("not taken") else print("false kept") end
-- Many registers live around it.
local a, b, c = 1, 2, 3
local r1, r2, r3 = a ?? b, n ?? c, (n ?? b) + (n ?? c)
print(r1, r2, r3, a, b, c)
-- In table constructors and as arguments.
local tt = { n ?? "first", k = n ?? "kv", [n ?? "key"] = 1 }
print(tt[1], tt.k, tt.key)
print(select("#", n ?? nil), select("#", n ?? two()))
