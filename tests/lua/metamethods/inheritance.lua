-- Class-style inheritance with __index chains and super calls.
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
function Animal:kind() return "animal" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name); return setmetatable(d, Dog) end
function Dog:speak() return Animal.speak(self) .. " (woof)" end
local Puppy = setmetatable({}, {__index = Dog})
Puppy.__index = Puppy
function Puppy.new(name) return setmetatable(Dog.new(name), Puppy) end
function Puppy:kind() return "puppy of " .. Dog.kind(self) end
local p = Puppy.new("rex")
print(p:speak(), p:kind(), getmetatable(p) == Puppy)
print(rawget(Puppy, "speak"), Dog.speak == p.speak)
-- metamethods are not inherited through __index
Animal.__tostring = function(self) return "Animal(" .. self.name .. ")" end
print(tostring(Animal.new("cat")))
print((tostring(p):gsub("0x%x+", "ADDR")))
Puppy.__tostring = Animal.__tostring
print(tostring(p))
