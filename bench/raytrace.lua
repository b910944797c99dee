-- Ray tracer: spheres on a checkered plane, one point light, shadows and
-- reflections, rendering a SIZE x SIZE image (small vector tables, method calls).
-- Usage: raytrace.lua SIZE [ITERATIONS]
local sqrt, floor = math.sqrt, math.floor

local Vec = {}
Vec.__index = Vec
local function vec(x, y, z) return setmetatable({ x = x, y = y, z = z }, Vec) end
function Vec:add(o) return vec(self.x + o.x, self.y + o.y, self.z + o.z) end
function Vec:sub(o) return vec(self.x - o.x, self.y - o.y, self.z - o.z) end
function Vec:scale(k) return vec(self.x * k, self.y * k, self.z * k) end
function Vec:dot(o) return self.x * o.x + self.y * o.y + self.z * o.z end
function Vec:mul(o) return vec(self.x * o.x, self.y * o.y, self.z * o.z) end
function Vec:normalized()
  local len = sqrt(self:dot(self))
  return vec(self.x / len, self.y / len, self.z / len)
end

local EPSILON = 1e-6

local Sphere = {}
Sphere.__index = Sphere
local function sphere(center, radius, color, reflect)
  return setmetatable({ center = center, radius2 = radius * radius, color = color,
                        reflect = reflect }, Sphere)
end
-- Distance along the ray to the nearest intersection in front of the origin, or nil.
function Sphere:intersect(origin, dir)
  local oc = origin:sub(self.center)
  local b = oc:dot(dir)
  local c = oc:dot(oc) - self.radius2
  local disc = b * b - c
  if disc < 0 then return nil end
  local root = sqrt(disc)
  local t = -b - root
  if t > EPSILON then return t end
  t = -b + root
  if t > EPSILON then return t end
  return nil
end
function Sphere:normal_at(p) return p:sub(self.center):normalized() end
function Sphere:color_at(_) return self.color end

local Plane = {}
Plane.__index = Plane
local function plane(normal, offset, reflect)
  return setmetatable({ normal = normal, offset = offset, reflect = reflect }, Plane)
end
function Plane:intersect(origin, dir)
  local denom = self.normal:dot(dir)
  if denom > -EPSILON and denom < EPSILON then return nil end
  local t = -(self.normal:dot(origin) + self.offset) / denom
  if t > EPSILON then return t end
  return nil
end
function Plane:normal_at(_) return self.normal end
function Plane:color_at(p)
  if (floor(p.x) + floor(p.z)) % 2 == 0 then return vec(0.9, 0.9, 0.9) end
  return vec(0.2, 0.2, 0.25)
end

local function build_scene()
  return {
    objects = {
      plane(vec(0, 1, 0), 1, 0.3),
      sphere(vec(0, 0, 5), 1, vec(0.9, 0.2, 0.2), 0.4),
      sphere(vec(-2, 0.5, 6), 1.5, vec(0.2, 0.8, 0.3), 0.2),
      sphere(vec(2, -0.3, 4), 0.7, vec(0.2, 0.3, 0.9), 0.6),
      sphere(vec(0.8, 1.8, 7), 0.8, vec(0.9, 0.8, 0.2), 0.1),
    },
    light = vec(-3, 6, -2),
    ambient = 0.1,
  }
end

local function nearest(scene, origin, dir)
  local best, best_t = nil, math.huge
  local objects = scene.objects
  for i = 1, #objects do
    local t = objects[i]:intersect(origin, dir)
    if t ~= nil and t < best_t then best, best_t = objects[i], t end
  end
  return best, best_t
end

local function trace(scene, origin, dir, depth)
  local hit, t = nearest(scene, origin, dir)
  if hit == nil then return vec(0.05, 0.05, 0.1) end
  local point = origin:add(dir:scale(t))
  local normal = hit:normal_at(point)
  local base = hit:color_at(point)
  local to_light = scene.light:sub(point)
  local light_distance = sqrt(to_light:dot(to_light))
  local light_dir = to_light:scale(1 / light_distance)
  local brightness = scene.ambient
  local lambert = normal:dot(light_dir)
  if lambert > 0 then
    local blocker, bt = nearest(scene, point, light_dir)
    if blocker == nil or bt > light_distance then brightness = brightness + lambert end
  end
  local color = base:scale(brightness)
  if depth < 3 and hit.reflect > 0 then
    local reflected = dir:sub(normal:scale(2 * dir:dot(normal)))
    local bounce = trace(scene, point, reflected, depth + 1)
    color = color:scale(1 - hit.reflect):add(bounce:scale(hit.reflect))
  end
  return color
end

local function to_byte(c)
  local v = floor(c * 255)
  if v > 255 then return 255 end
  if v < 0 then return 0 end
  return v
end

local function run(size)
  local scene = build_scene()
  local eye = vec(0, 0.5, -3)
  local hash = 0
  for y = 0, size - 1 do
    for x = 0, size - 1 do
      local dir = vec((x - size / 2) / size, (size / 2 - y) / size, 1):normalized()
      local c = trace(scene, eye, dir, 0)
      local pixel = (to_byte(c.x) * 256 + to_byte(c.y)) * 256 + to_byte(c.z)
      hash = (hash * 31 + pixel) % 2147483647
    end
  end
  return string.format("%d", hash)
end

local size = tonumber(arg and arg[1]) or 350

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
