# Builds LuaJIT-compatible outputs under build/ (see README.md).
# As with LuaJIT's Makefile, PREFIX and MULTILIB (and LMULTILIB) decide the
# install directories and the default package.path/package.cpath compiled
# into the library; pass the same values to `make` and `make install`.
# MULTIARCH=x86_64-linux-gnu is short for MULTILIB=lib/x86_64-linux-gnu.
PREFIX ?= /usr/local
DESTDIR ?=
MULTIARCH ?=
MULTILIB ?= lib$(if $(MULTIARCH),/$(MULTIARCH))
LMULTILIB ?= lib
CARGO ?= cargo
CC ?= cc

VERSION = 2.1.0
RELEASE = $(VERSION)-beta3
ABIVER = 5.1
SONAME = libluajit-$(ABIVER).so.2
SOFILE = libluajit-$(ABIVER).so.$(VERSION)
HEADERS = lua.h luaconf.h lualib.h lauxlib.h luajit.h lua.hpp

B ?= build
CARGO_TARGET_DIR ?= target
RUST_OUT = $(CARGO_TARGET_DIR)/release
RUST_LIB = $(RUST_OUT)/libluajit.a

INSTALL_BIN = $(DESTDIR)$(PREFIX)/bin
INSTALL_LIB = $(DESTDIR)$(PREFIX)/$(MULTILIB)
INSTALL_INC = $(DESTDIR)$(PREFIX)/include/luajit-2.1
INSTALL_SHARE = $(DESTDIR)$(PREFIX)/share
# The jit.* modules' directory, searched by the compiled-in package.path.
INSTALL_LJLIBD ?= $(PREFIX)/share/luajit-$(RELEASE)
INSTALL_JITLIB = $(DESTDIR)$(INSTALL_LJLIBD)/jit
INSTALL_LMOD = $(INSTALL_SHARE)/lua/5.1
INSTALL_CMOD = $(DESTDIR)$(PREFIX)/$(MULTILIB)/lua/5.1
INSTALL_PC = $(INSTALL_LIB)/pkgconfig
INSTALL_MAN = $(INSTALL_SHARE)/man/man1

.PHONY: all cargo test install uninstall clean bench distro vmdef

all: cargo $(B)/lib/$(SOFILE) $(B)/lib/libluajit-$(ABIVER).a $(B)/bin/luajit headers pc jitlib

# The layout reaches build.rs through the environment, and only where it
# differs from the default (build.rs's own), so that a plain `cargo build` or
# `cargo test` sees the same environment and does not rebuild the library.
DEFAULT_LJLIBD = $(PREFIX)/share/luajit-$(RELEASE)
LAYOUT_ENV = $(if $(filter-out /usr/local,$(PREFIX)),LUAJIT_RS_PREFIX='$(PREFIX)') \
  $(if $(filter-out lib,$(MULTILIB)),LUAJIT_RS_MULTILIB='$(MULTILIB)') \
  $(if $(filter-out lib,$(LMULTILIB)),LUAJIT_RS_LMULTILIB='$(LMULTILIB)') \
  $(if $(filter-out $(DEFAULT_LJLIBD),$(INSTALL_LJLIBD)),LUAJIT_RS_LJDIR='$(INSTALL_LJLIBD)')
cargo:
	env -u LUAJIT_RS_PREFIX -u LUAJIT_RS_MULTILIB -u LUAJIT_RS_LMULTILIB -u LUAJIT_RS_LJDIR \
	  $(LAYOUT_ENV) CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) build --release

# The shared library is linked from the Rust static library so that one
# version script decides exactly what is exported (the C shim included).
$(B)/lib/$(SOFILE): $(RUST_LIB) src/exports.map
	mkdir -p $(B)/lib
	$(CC) -shared -o $@ -Wl,--whole-archive $(RUST_LIB) -Wl,--no-whole-archive \
	  -Wl,-soname,$(SONAME) -Wl,--version-script=src/exports.map -Wl,--gc-sections \
	  -lm -ldl -lpthread -lgcc_s -lc
	ln -sf $(SOFILE) $(B)/lib/$(SONAME)
	ln -sf $(SOFILE) $(B)/lib/libluajit-$(ABIVER).so

$(B)/lib/libluajit-$(ABIVER).a: $(RUST_LIB)
	mkdir -p $(B)/lib
	cp $(RUST_LIB) $@

$(B)/bin/luajit: $(RUST_OUT)/luajit
	mkdir -p $(B)/bin
	cp $(RUST_OUT)/luajit $@

$(RUST_LIB) $(RUST_OUT)/luajit: cargo

headers:
	mkdir -p $(B)/include/luajit-2.1
	for h in $(HEADERS); do [ ! -f include/$$h ] || cp include/$$h $(B)/include/luajit-2.1/; done

pc:
	mkdir -p $(B)/lib/pkgconfig
	if [ -f pkgconfig/luajit.pc.in ]; then \
	  sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@MULTILIB@|$(MULTILIB)|g' \
	      -e 's|@VERSION@|$(VERSION)|g' -e 's|@ABIVER@|$(ABIVER)|g' \
	      pkgconfig/luajit.pc.in > $(B)/lib/pkgconfig/luajit.pc; fi

jitlib:
	mkdir -p $(B)/share/luajit-2.1/jit
	if ls src/jit/lua/*.lua >/dev/null 2>&1; then cp src/jit/lua/*.lua $(B)/share/luajit-2.1/jit/; fi

# src/jit/lua/vmdef.lua is generated from the bytecode and fast-function
# tables (src/vmdef.rs); a unit test fails when it is out of date. This
# rewrites it.
vmdef:
	UPDATE_VMDEF=1 CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) test --release --lib vmdef::

# The tree that replaces the distribution's LuaJIT (Debian's layout: PREFIX
# /usr, the C compiler's multiarch library directory), built under
# build/distro/ beside the default one; it is what nginx's Lua module or
# Debian's Lua modules need to find their modules. To install it over the
# distribution's: make install PREFIX=/usr MULTIARCH=x86_64-linux-gnu
DISTRO_MULTIARCH = $(shell $(CC) -print-multiarch 2>/dev/null)
distro:
	$(MAKE) all PREFIX=/usr MULTIARCH=$(DISTRO_MULTIARCH) B=$(B)/distro \
	  CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/distro

test: all
	bash scripts/test

bench: all
	python3 scripts/bench

install: all
	mkdir -p $(INSTALL_BIN) $(INSTALL_LIB) $(INSTALL_INC) $(INSTALL_JITLIB) $(INSTALL_PC) \
	  $(INSTALL_LMOD) $(INSTALL_CMOD) $(INSTALL_MAN)
	install -m 0755 $(B)/bin/luajit $(INSTALL_BIN)/luajit-$(VERSION)
	ln -sf luajit-$(VERSION) $(INSTALL_BIN)/luajit
	install -m 0755 $(B)/lib/$(SOFILE) $(INSTALL_LIB)/$(SOFILE)
	ln -sf $(SOFILE) $(INSTALL_LIB)/$(SONAME)
	ln -sf $(SOFILE) $(INSTALL_LIB)/libluajit-$(ABIVER).so
	install -m 0644 $(B)/lib/libluajit-$(ABIVER).a $(INSTALL_LIB)/libluajit-$(ABIVER).a
	for h in $(HEADERS); do [ ! -f $(B)/include/luajit-2.1/$$h ] || install -m 0644 $(B)/include/luajit-2.1/$$h $(INSTALL_INC)/$$h; done
	[ ! -f $(B)/lib/pkgconfig/luajit.pc ] || install -m 0644 $(B)/lib/pkgconfig/luajit.pc $(INSTALL_PC)/luajit.pc
	for f in $(B)/share/luajit-2.1/jit/*.lua; do [ ! -f $$f ] || install -m 0644 $$f $(INSTALL_JITLIB)/; done
	install -m 0644 doc/luajit.1 $(INSTALL_MAN)/luajit.1

uninstall:
	rm -f $(INSTALL_BIN)/luajit $(INSTALL_BIN)/luajit-$(VERSION)
	rm -f $(INSTALL_LIB)/$(SOFILE) $(INSTALL_LIB)/$(SONAME) $(INSTALL_LIB)/libluajit-$(ABIVER).so $(INSTALL_LIB)/libluajit-$(ABIVER).a
	for h in $(HEADERS); do rm -f $(INSTALL_INC)/$$h; done
	rm -f $(INSTALL_PC)/luajit.pc $(INSTALL_MAN)/luajit.1
	rm -rf $(INSTALL_JITLIB)
	-rmdir $(INSTALL_INC) $(DESTDIR)$(INSTALL_LJLIBD) 2>/dev/null

clean:
	rm -rf $(B)
	CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) clean
