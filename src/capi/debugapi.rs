//! Debug interface of the C API (lua_getstack, lua_getinfo, hooks, locals).
