-- An error inside coroutine.wrap propagates to the top level with the inner position.
local gen = coroutine.wrap(function()
  coroutine.yield(1)
  error("generator failed")
end)
print(gen())
print(gen())
