-- lua-cjson (a C module) loaded with require: encode/decode round trips,
-- configuration, and the errors it raises.
local cjson = require("cjson")
print("null", cjson.null ~= nil, type(cjson.null))

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, ",")
end

-- scalars and arrays encode deterministically
print(cjson.encode({1, 2, 3, "four", true, false}))
print(cjson.encode("quote\" backslash\\ newline\n tab\t unicode\1"))
print(cjson.encode(1.5), cjson.encode(-0), cjson.encode(1e300), cjson.encode(12345678))
print(cjson.encode({}), cjson.encode({{}, {{}}}))
print(cjson.encode({a = 1}))

-- decode
local v = cjson.decode('{"name":"lua","list":[1,2.5,"x",null,true],"nested":{"k":[[]]},"u":"\\u00e9\\u4e2d"}')
print(v.name, #v.list, v.list[1], v.list[2], v.list[3], v.list[4] == cjson.null, v.list[5])
print(sorted_keys(v), #v.nested.k, #v.nested.k[1], #v.u)

-- round trips
local docs = {
  '[1,2,3]', '{"a":{"b":{"c":[true,false,null]}}}', '"\\u0041\\n"', '[]', '[[[[1]]]]',
  '{"big":1e+100,"neg":-42,"frac":0.125}',
}
for _, d in ipairs(docs) do
  local once = cjson.decode(d)
  local again = cjson.decode(cjson.encode(once))
  print("roundtrip", d, cjson.encode(again) == cjson.encode(once))
end
local big = {}
for i = 1, 1000 do big[i] = {id = i, name = "item" .. i, tags = {"t" .. i % 7}} end
local back = cjson.decode(cjson.encode(big))
local same = #back == 1000
for i = 1, 1000 do
  local a, b = big[i], back[i]
  if a.id ~= b.id or a.name ~= b.name or a.tags[1] ~= b.tags[1] then same = false end
end
print("big roundtrip", same)

-- errors
local function err(f, ...)
  local ok, e = pcall(f, ...)
  return ok, (tostring(e):gsub("^.-: ", ""))
end
print(err(cjson.decode, '{"a":}'))
print(err(cjson.decode, '[1,2'))
print(err(cjson.decode, ''))
print(err(cjson.encode, {f = print}))
print(err(cjson.encode, {[{}] = 1}))
local cyclic = {}
cyclic[1] = cyclic
print(err(cjson.encode, cyclic))
print("sparse", err(cjson.encode, {[1] = 1, [1000] = 2}))
cjson.encode_sparse_array(true)
print("sparse allowed", cjson.encode({[1] = 1, [3] = 2}))
print("new instance", type(cjson.new), cjson.new().encode({x = false}))
print("nan", err(cjson.encode, 0/0))
