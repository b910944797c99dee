-- An enum type is unsigned int unless a constant is given a negative value.
local ffi = require("ffi")
ffi.cdef[[
typedef enum { ES_A, ES_B = 10 } es_u;
typedef enum { ES_N = -1, ES_C = 10 } es_i;
typedef enum { ES_BIG = 0x80000000u, ES_AFTER } es_big;
typedef enum { ES_X = 0x7fffffff, ES_Y } es_wrap;
typedef enum { ES_M = -5, ES_M1, ES_M2 } es_neg;
]]
for _, tp in ipairs{"es_u", "es_i", "es_big", "es_wrap", "es_neg"} do
  local x = ffi.new(tp, -10)
  print(tp, tonumber(x), tonumber(ffi.new("int64_t", x)), x == -10, x == 2^32 - 10)
end
print(ffi.C.ES_BIG, ffi.C.ES_AFTER, ffi.C.ES_Y, ffi.C.ES_M2, ffi.C.ES_B)
print(tonumber(ffi.new("es_big", "ES_AFTER")), tonumber(ffi.new("es_wrap", "ES_Y")))
