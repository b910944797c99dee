-- package.searchpath, package.config, the shape of package.path/cpath,
-- and package.loadlib (dlopen/dlsym) results and errors.
local dir = "tests/lua/stdlib/modules/"
print(package.searchpath("mymod", dir .. "?.lua"))
print(package.searchpath("pkgtest.deep.er.leaf", dir .. "?.lua"))
print(package.searchpath("pkgtest/deep/er/leaf", dir .. "?.lua"))
print(package.searchpath("pkgtest_deep_er_leaf", dir .. "?.lua", "_"))
print(package.searchpath("pkgtest_deep_er_leaf", dir .. "?.lua", "_", "/"))
print(package.searchpath("pkgtest::args", dir .. "?.lua", "::", "/"))
print(package.searchpath("pkgtest.args", dir .. "?.lua", ""))
print(package.searchpath("x", ";;a/?.lua;;b/?/?.lua;;"))
print(package.searchpath("x", ""))
print(package.searchpath("x", "no-placeholder"))
print(package.searchpath("mymod", "nothere/?.lua;" .. dir .. "?.lua;" .. dir .. "?.x"))
print(package.searchpath("pkg", dir .. "?/init.lua"))
print(pcall(package.searchpath))
print(pcall(package.searchpath, "x"))
print(pcall(package.searchpath, "x", {}))
print(pcall(package.searchpath, {}, "x"))
print(pcall(package.searchpath, "x", "y", {}))
print(package.searchpath(1, 2))

-- configuration
print(package.config == "/\n;\n?\n!\n-\n")
print(type(package.path), type(package.cpath))
print(package.path:find(";;", 1, true), package.path:find("./?.lua", 1, true))
print(package.cpath:find("./?.so", 1, true))
print(package.loaded == debug.getregistry()._LOADED, package.preload == debug.getregistry()._PRELOAD)
print(package.loaded._G == _G, package.loaded.package == package, package.loaded.debug == debug)
print(package.preload.ffi ~= nil, package.preload["string.buffer"] ~= nil)

-- loadlib
local f, err, where = package.loadlib(dir .. "does_not_exist.so", "luaopen_x")
print(f, err, where)
print(package.loadlib(dir .. "pkgtest/notlib.so", "luaopen_x"))
print(package.loadlib("libm.so.6", "*"))
-- dlerror names the library by its resolved path, which depends on the system
local nf, nerr, nwhere = package.loadlib("libm.so.6", "no_such_symbol_here")
print(nf, (nerr:gsub("^.*libm%.so%.6", "libm.so.6")), nwhere)
print(type(package.loadlib("libm.so.6", "cos")))
print(type(debug.getregistry()["LOADLIB: libm.so.6"]))
print(pcall(package.loadlib))
print(pcall(package.loadlib, "x"))
print(pcall(package.loadlib, {}, "x"))
