-- seek with every whence, open modes (r+, w+, a, a+, binary), reads after writes,
-- setvbuf, flush results, counts and read(0) at every position.
local name = os.tmpname()
local f = assert(io.open(name, "w+"))
print(f:write("0123456789"), f:seek(), f:seek("cur"), f:seek("set"), f:seek("end"))
print(f:seek("set", 3), f:read(2), f:seek("cur", -1), f:read(3), f:seek("end", -2), f:read("*a"))
print(f:seek("cur", 0), f:seek("set", 100), f:read(1), f:read(0), f:seek("end"))
print(f:seek("set", -1))
print(f:seek("cur", -1000))
print(f:seek("set", 2.9), f:seek("cur", -0.5), f:seek("set", "5" + 0))
print(f:seek(nil, nil), f:seek("set", nil), f:seek(nil, 4))
print(f:flush(), f:setvbuf("full", 4), f:setvbuf("line"), f:setvbuf("no"), f:setvbuf("full"))
f:close()
-- r+ keeps the contents and writes over them
f = io.open(name, "r+")
f:seek("set", 2)
f:write("ab")
f:seek("set")
print(f:read("*a"))
f:close()
-- a appends wherever the position is; a+ can read
f = io.open(name, "a")
f:seek("set")
f:write("XY")
print(f:seek())
print(f:read(1))
f:close()
f = io.open(name, "a+")
print(f:read("*a"))
f:write("Z")
f:seek("set")
print(f:read("*a"))
f:close()
-- w truncates; reading from a write-only file fails with an errno
f = io.open(name, "w")
print(f:read("*a"))
print(f:read("*l"))
print(f:read(1))
print(f:read("*n"))
f:close()
-- writing to a read-only file fails at flush or write time
f = io.open(name, "r")
print(f:write("x"))
print(f:flush())
f:close()
-- binary modes are accepted and ignored
for _, m in ipairs({"rb", "r+b", "wb", "w+b", "ab", "a+b", "rb+"}) do
  local h, err = io.open(name, m)
  io.write(m, ":", io.type(h) or tostring(err), " ")
  if h then h:close() end
end
print()
-- reading counts and EOF
f = io.open(name, "w"); f:write("abc"); f:close()
f = io.open(name)
print(f:read(0), f:read(1), f:read(0), f:read(5), f:read(0), f:read(1), f:read("*a"), f:read("*l"), f:read("*n"))
print(f:read(2, 2, 2))
f:seek("set")
print(f:read(1, 0, "*a", 0, "*a", "*l", "*a"))
f:close()
-- large reads and writes
f = io.open(name, "w")
local chunk = string.rep("0123456789abcdef", 4096)
for i = 1, 8 do f:write(chunk) end
f:close()
f = io.open(name)
local all = f:read("*a")
print(#all, all == string.rep(chunk, 8))
f:seek("set", 100000)
print(#f:read(200000), #f:read("*a"), f:read(1), f:read(0))
f:close()
-- numbers: whitespace, signs, hex, exponents, inf/nan, partial matches
local nums = "  12\n\t-3.25e1 +7 0x1A 0x1p4 .5 5. 1e 3 -inf nan 0x 9"
f = io.open(name, "w"); f:write(nums); f:close()
f = io.open(name)
local out = {}
for i = 1, 14 do local v = f:read("*n"); out[#out + 1] = tostring(v); if v == nil then out[#out + 1] = "rest=" .. tostring(f:read("*l")) end end
print(table.concat(out, " "))
f:close()
f = io.open(name, "w"); f:write("123abc 4\n"); f:close()
f = io.open(name)
print(f:read("*n", "*l"))
f:close()
f = io.open(name, "w"); f:write("1e400 -1e400 4.9e-324 0x7fffffffffffffff 123456789012345678901234567890"); f:close()
f = io.open(name)
print(f:read("*n", "*n", "*n", "*n", "*n"))
f:close()
os.remove(name)
