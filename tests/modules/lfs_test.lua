-- LuaFileSystem (a C module) loaded with require: a directory walk over a
-- fresh temporary tree, attributes, mkdir/rmdir, touch, errors.
local lfs = require("lfs")
local root = os.tmpname()
os.remove(root)
assert(lfs.mkdir(root))
local function path(...) return table.concat({root, ...}, "/") end

-- build a small tree
assert(lfs.mkdir(path("a")))
assert(lfs.mkdir(path("a", "b")))
assert(lfs.mkdir(path("c")))
local files = { path("top.txt"), path("a", "one.txt"), path("a", "b", "two.txt"), path("c", "three.dat") }
for i, f in ipairs(files) do
  local h = assert(io.open(f, "w"))
  h:write(string.rep("x", i * 10))
  h:close()
end

-- recursive walk, sorted for a stable output
local seen = {}
local function walk(dir, rel)
  for entry in lfs.dir(dir) do
    if entry ~= "." and entry ~= ".." then
      local full, r = dir .. "/" .. entry, (rel and rel .. "/" or "") .. entry
      local attr = assert(lfs.attributes(full))
      seen[#seen + 1] = r .. " " .. attr.mode .. (attr.mode == "file" and (" " .. attr.size) or "")
      if attr.mode == "directory" then walk(full, r) end
    end
  end
end
walk(root)
table.sort(seen)
for _, s in ipairs(seen) do print(s) end

-- attributes with a field name, touch, currentdir/chdir
print("size", lfs.attributes(path("a", "b", "two.txt"), "size"))
assert(lfs.touch(path("top.txt"), 1000000, 2000000))
print("times", lfs.attributes(path("top.txt"), "access"), lfs.attributes(path("top.txt"), "modification"))
local here = lfs.currentdir()
assert(lfs.chdir(path("a")))
print("chdir", lfs.currentdir() == path("a"))
assert(lfs.chdir(here))

-- dir objects can be closed early
local iter, d = lfs.dir(root)
print("first entry is a string", type(iter(d)) == "string")
d:close()

-- errors: failures are returned, misuse raises
print("attributes of nothing", lfs.attributes(path("missing")) == nil)
local ok, msg = lfs.mkdir(path("a"))
print("mkdir existing", ok, type(msg))
print("rmdir non-empty", (lfs.rmdir(path("a"))))
print("dir of nothing raises", (pcall(lfs.dir, path("missing"))))

-- clean up, deepest first
for i = #files, 1, -1 do assert(os.remove(files[i])) end
assert(lfs.rmdir(path("a", "b")))
assert(lfs.rmdir(path("a")))
assert(lfs.rmdir(path("c")))
assert(lfs.rmdir(root))
print("cleaned", lfs.attributes(root) == nil)
