-- coroutine.wrap used as iterators over recursive structures.
local function walk(t)
  return coroutine.wrap(function()
    local function rec(node, path)
      for _, k in ipairs(node.order) do
        local v = node.items[k]
        if type(v) == "table" then rec(v, path .. k .. "/") else coroutine.yield(path .. k, v) end
      end
    end
    rec(t, "/")
  end)
end
local tree = {order = {"a", "b", "c"}, items = {a = 1, b = {order = {"x", "y"}, items = {x = 2, y = {order = {"z"}, items = {z = 3}}}}, c = 4}}
for path, v in walk(tree) do print(path, v) end
local function inorder(n) if n then inorder(n.l); coroutine.yield(n.v); inorder(n.r) end end
local function insert(n, v) if not n then return {v = v} end if v < n.v then n.l = insert(n.l, v) else n.r = insert(n.r, v) end return n end
local root
for _, v in ipairs({50, 30, 70, 20, 40, 60, 80, 35}) do root = insert(root, v) end
local out = {}
for v in coroutine.wrap(function() inorder(root) end) do out[#out+1] = v end
print(table.concat(out, " "))
-- zip two generators
local function gen(t) return coroutine.wrap(function() for _, v in ipairs(t) do coroutine.yield(v) end end) end
local g1, g2 = gen({1, 2, 3}), gen({"a", "b", "c"})
for i = 1, 3 do io.write(g1(), g2(), " ") end print()
