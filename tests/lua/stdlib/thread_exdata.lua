-- OpenResty's thread.exdata / thread.exdata2 (not in Debian's LuaJIT: the
-- expected output follows OpenResty's documented behaviour and its tests).
local exdata = require "thread.exdata"
local exdata2 = require "thread.exdata2"
print(type(exdata), type(exdata2), exdata ~= exdata2)
print(package.loaded["thread.exdata"] == exdata, package.loaded["thread.exdata2"] == exdata2)
local ffi = require "ffi"
-- Unset: a NULL void * (equal to nil).
print(tostring(exdata()), exdata() == nil, tostring(exdata2()))
local u64 = ffi.new("uintptr_t", 0xefdeaddeadbeefLL)
-- Setting returns nothing, getting one value.
print(select("#", exdata(u64)), select("#", exdata()))
print(tostring(exdata()), tostring(exdata2()))
exdata2(ffi.cast("void *", u64 + 1))
print(tostring(exdata()), tostring(exdata2()))
print(exdata() == ffi.cast("void *", u64), ffi.istype("void *", exdata()))
-- New coroutines inherit the pointers; setting inside one is local to it.
local co = coroutine.create(function()
  coroutine.yield(tostring(exdata2()))
  exdata2(ffi.cast("void *", 7))
  coroutine.yield(tostring(exdata2()))
end)
print(coroutine.resume(co))
print(coroutine.resume(co))
print(tostring(exdata2()))
-- Only cdata can be stored.
local function set(v) exdata(v) end
print(pcall(set, 42))
print(pcall(set, "x"))
print(pcall(set, nil))
