-- Object-oriented workload: a three-level class hierarchy built with
-- metatables and __index chains, virtual method calls, accessors, super calls,
-- and __add/__eq/__lt/__len/__call metamethods.
-- Usage: oop.lua SIZE [ITERATIONS]

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  c.super = parent
  return c
end

local Shape = class()
function Shape.new(cls, id) local o = setmetatable({}, cls); o:init(id); return o end
function Shape:init(id) self.id = id; self.moves = 0 end
function Shape:move(dx) self.moves = self.moves + dx end
function Shape:describe() return self:area() + self:perimeter() + self.moves end

local Rect = class(Shape)
function Rect:init(id, w, h)
  Shape.init(self, id)
  self.w, self.h = w or 1 + id % 7, h or 1 + id % 5
end
function Rect:area() return self.w * self.h end
function Rect:perimeter() return 2 * (self.w + self.h) end

local Square = class(Rect)
function Square:init(id)
  local side = 1 + id % 9
  Rect.init(self, id, side, side)
end
function Square:perimeter() return 4 * self.w end

local Circle = class(Shape)
function Circle:init(id) Shape.init(self, id); self.r = 1 + id % 4 end
-- Integer approximations keep the checksum exact everywhere.
function Circle:area() return 3 * self.r * self.r end
function Circle:perimeter() return 6 * self.r end

local Triangle = class(Shape)
function Triangle:init(id) Shape.init(self, id); self.a, self.b, self.c = 3, 4, 5 + id % 2 end
function Triangle:area() return self.a * self.b / 2 end
function Triangle:perimeter() return self.a + self.b + self.c end
function Triangle:describe() return Shape.describe(self) * 2 end

-- A small value type with operators.
local Money = {}
Money.__index = Money
local function money(cents) return setmetatable({ cents = cents }, Money) end
Money.__add = function(a, b) return money(a.cents + b.cents) end
Money.__eq = function(a, b) return a.cents == b.cents end
Money.__lt = function(a, b) return a.cents < b.cents end
function Money:cents_part() return self.cents % 100 end
Money.__call = function(a, factor) return money(a.cents * factor) end

local Counter = class()
function Counter.new() return setmetatable({ value = 0 }, Counter) end
function Counter:get() return self.value end
function Counter:set(v) self.value = v end
function Counter:inc() self:set(self:get() + 1) end

local function run(rounds)
  local classes = { Rect, Square, Circle, Triangle }
  local shapes = {}
  for i = 1, 200 do shapes[i] = Shape.new(classes[i % 4 + 1], i) end
  local total, counter = 0, Counter.new()
  local wallet, biggest, equal = money(0), money(0), 0
  for round = 1, rounds do
    for i = 1, #shapes do
      local s = shapes[i]
      s:move(round % 3)
      total = total + s:describe()
      counter:inc()
    end
    local m = money(round % 250)(2)
    wallet = wallet + m
    if biggest < m then biggest = m end
    if m == money(round % 250 * 2) then equal = equal + m:cents_part() end
  end
  return string.format("%d %d %d %d %d", total % 2147483647, counter:get(), wallet.cents,
                       biggest.cents, equal)
end

local size = tonumber(arg and arg[1]) or 20000

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
