-- require, package.loaders and module() in detail: arguments passed to
-- chunks, results stored in package.loaded, custom loaders and their
-- messages, configuration errors, module() options, seeall.
package.path = "tests/lua/stdlib/modules/?.lua"
package.cpath = "tests/lua/stdlib/modules/?.so"
local r = require("pkgtest.args")
print(r.n, r.name, package.loaded["pkgtest.args"] == r)
print(require("pkgtest.returns_false"), package.loaded["pkgtest.returns_false"])
print(require("pkgtest.sets_loaded"))
print(require("pkgtest.deep.er.leaf"))

-- errors: not found (the message lists every place tried), loop detection
print(pcall(require, "pkgtest.nothere"))
print(pcall(require, "pkgtest.reqerr"))
print(pcall(require, "pkgtest.notlib"))
package.preload["pkgtest.loops"] = function(name) return require(name) end
print(pcall(require, "pkgtest.loops"))
print(pcall(require, "pkgtest.loops"))
print(type(package.loaded["pkgtest.loops"]))
package.preload.failing_preload = function() error("preload failed") end
print(pcall(require, "failing_preload"))
print(pcall(require, "failing_preload"))
print(pcall(require))
print(pcall(require, {}))

-- already loaded values are returned as they are
package.loaded.fake = "fake module"
print(require("fake"))
package.loaded.falsy = false
package.preload.falsy = function() return "reloaded" end
print(require("falsy"))

-- preload functions get the module name only
package.preload.pre = function(...) return {select("#", ...), ...} end
local p = require("pre")
print(p[1], p[2])

-- custom loaders: strings accumulate, other results are skipped
local loaders = package.loaders
print(#loaders, type(loaders[1]), type(loaders[4]))
package.loaders = {
  function(name) return "\n\tfirst loader: " .. name end,
  function() return 42 end,
  function() return nil end,
  function() return {} end,
  function(name) if name == "found" then return function(n) return "loaded " .. n end end end,
}
print(require("found"))
print(pcall(require, "notfound"))
package.loaders = {}
print(pcall(require, "none"))
package.loaders = "x"
print(pcall(require, "bad"))
package.loaders = loaders

-- configuration errors
local path, cpath, preload = package.path, package.cpath, package.preload
package.preload = "x"
print(pcall(require, "cfg1"))
package.preload = preload
package.path = 123
print(pcall(require, "cfg2"))
package.path = {}
print(pcall(require, "cfg3"))
package.path = path
package.cpath = {}
print(pcall(require, "cfg4"))
package.cpath = cpath

-- require keeps working when the global package table is replaced
local pkg = package
package = nil
print(require("pkgtest.args").name)
package = pkg

-- module()
local m = require("pkgtest.modfunc")
local inner = pkgtest.modfunc.inner
print(m, inner == package.loaded["pkgtest.modfunc.inner"], inner.value, inner.describe())
print(inner.option_applied, getmetatable(inner).__index == _G)
local um = require("pkgtest.usesmodule")
print(type(um), um._NAME, um._PACKAGE, um.seen_print)
print(pcall(module, "frompcall"))
print(pcall(module))
print(select(2, pcall(loadstring("module('x.y.z', 1, 'ignored') return _NAME, _PACKAGE, _M == x.y.z"))))
pkgconflict = 1
print(pcall(loadstring("module('pkgconflict.sub')")))
local t = {}
print(package.seeall(t), getmetatable(t).__index == _G)
local t2 = setmetatable({}, {__index = 1})
package.seeall(t2)
print(getmetatable(t2).__index == _G)
print(pcall(package.seeall, 1))
print(pcall(package.seeall))
