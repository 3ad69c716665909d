# lectern - offline reading kiosk. See README.md.
#
#   make            build lectern-pack, lectern and the default pack
#   make run        ... and open the reader (PNG preview when there is no display)
#   make test       every test; last line "N passed, N failed"
#   make asan       the same tests under ASan + UBSan
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make cross ARCH=arm64 / make test-arm64 / make bench / make install / make clean
#   make deps [SETS="run test ..."]   install Debian packages (all sets by default)
#   make fresh-test the two README commands in a clean Debian 12 chroot

# ---- set-up: every goal first installs the packages it needs ----------------
# make reads the whole Makefile, and runs each $(shell pkg-config ...), before
# it builds anything: on a fresh machine the -dev packages are not there yet
# and the flags come out empty. So a goal runs in two steps: tools/deps.sh
# installs that goal's package sets, then this Makefile runs again with
# LECTERN_INNER=1 and finds the libraries. (LECTERN_INNER=1 on the command
# line skips the installing, as the package build in a chroot does.)
ifndef LECTERN_INNER

# The package sets (tools/deps.sh) of each goal; a goal not named here
# (a file, say) gets the run set.
DEPS_SETS_all        := run
DEPS_SETS_run        := run
DEPS_SETS_install    := run
DEPS_SETS_test       := run test
DEPS_SETS_asan       := run test
DEPS_SETS_fuzz       := run fuzz
DEPS_SETS_bench      := run bench
DEPS_SETS_cross      := run cross
DEPS_SETS_test-arm64 := run test cross
DEPS_SETS_image-test := run
DEPS_SETS_image-test-only := run
# deb, deb-test and image install their own (tools/deps-kiosk.sh)
DEPS_SETS_deb        :=
DEPS_SETS_deb-test   :=
DEPS_SETS_image      :=
ARCH ?=
GOALS := all run install test asan fuzz bench cross test-arm64 deb deb-test image image-test image-test-only

# One goal at a time (their inner makes share build/); each inner make still
# builds in parallel with -j.
.NOTPARALLEL:
.PHONY: $(GOALS) deps fresh-test clean FORCE
.DEFAULT_GOAL := all

$(GOALS):
	@$(if $(DEPS_SETS_$@),CROSS_ARCH=$(if $(filter test-arm64,$@),arm64,$(ARCH)) tools/deps.sh $(DEPS_SETS_$@))
	@$(MAKE) --no-print-directory LECTERN_INNER=1 $@

# Any other goal (a file such as build/host/lectern): the run set, then the
# inner make decides whether it is up to date.
Makefile: ;
%:: FORCE
	@tools/deps.sh run
	@$(MAKE) --no-print-directory LECTERN_INNER=1 $@
FORCE:

deps:
	@CROSS_ARCH=$(ARCH) tools/deps.sh $(SETS)

fresh-test:
	@tools/deps.sh fresh
	@tools/fresh-test.sh

else # ---- LECTERN_INNER: the build itself ------------------------------------

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
ARCH     ?= $(shell dpkg --print-architecture 2>/dev/null || uname -m)
HOSTARCH := $(shell dpkg --print-architecture 2>/dev/null || uname -m)
FUZZ_SECONDS ?= 60
WERROR   ?= 0

# ---- toolchain: native, cross (ARCH=arm64) or sanitized (SAN=1) ----------
ifeq ($(ARCH),$(HOSTARCH))
  B          ?= build/host
  CC         ?= cc
  PKG_CONFIG ?= pkg-config
else ifeq ($(ARCH),arm64)
  B          ?= build/arm64
  CC         := aarch64-linux-gnu-gcc
  PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
  RUNNER     ?= env $(XROOT_ENV) qemu-aarch64-static
else ifeq ($(ARCH),armhf)
  B          ?= build/armhf
  CC         := arm-linux-gnueabihf-gcc
  PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig pkg-config
  RUNNER     ?= env $(XROOT_ENV) qemu-arm-static
endif
ifeq ($(SAN),1)
  B       := build/asan
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif

OPT      ?= -O2 -g
# _FILE_OFFSET_BITS=64: on 32-bit armhf, stat() and readdir() fail with
# EOVERFLOW on 64-bit inode numbers and directory offsets (ext4 under
# qemu-user, NFS, XFS) and on files over 2 GiB; a no-op on 64-bit targets.
CFLAGS   := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 \
            $(OPT) $(SANFLAGS) $(if $(filter 1,$(WERROR)),-Werror) \
            -DLECTERN_VERSION='"$(VERSION)"' -DLECTERN_DATADIR='"$(PREFIX)/share/lectern"'
LDFLAGS  += $(SANFLAGS)

# Only kiosk goals (make deb ARCH=armhf builds in a chroot): the host may
# not have ARCH's .pc files, and these flags are not used, so no complaints.
KIOSK_ONLY := $(if $(MAKECMDGOALS),$(if $(filter-out deb deb-test image image-test image-test-only,$(MAKECMDGOALS)),,1))
pc = $(shell $(PKG_CONFIG) $(1) $(2) $(if $(KIOSK_ONLY),2>/dev/null))
# libunibreak: Debian's is not Multi-Arch (its .so is in /usr/lib), so a
# cross build cannot use an installed one: tools/xroot.sh puts ARCH's under
# $(B)/xroot, and the tests find it there (LD_LIBRARY_PATH, XROOT_ENV).
# Natively, pkg-config.
ifeq ($(ARCH),$(HOSTARCH))
  UNIBREAK_CFLAGS := $(call pc,--cflags,libunibreak)
  UNIBREAK_LIBS   := $(call pc,--libs,libunibreak)
else
  XROOT           := $(B)/xroot
  # its headers are recorded in the debug information as the system's
  # (/usr/include), not under this build's folder, so that a second build in
  # another folder gives the same binary (make deb-test's deb_reproducible)
  UNIBREAK_CFLAGS := -I$(XROOT)/usr/include -ffile-prefix-map=$(XROOT)/=/ -ffile-prefix-map=$(abspath $(XROOT))/=/
  UNIBREAK_LIBS   := -L$(XROOT)/usr/lib -lunibreak
  XROOT_ENV       := LD_LIBRARY_PATH=$(abspath $(XROOT))/usr/lib
endif
CORE_LIBS := $(call pc,--libs,liblz4 libxxhash inih libutf8proc fribidi libthai) $(UNIBREAK_LIBS)
TOOL_LIBS := $(call pc,--libs,libutf8proc freetype2 fontconfig inih md4c harfbuzz-subset) -lhyphen
SDL_LIBS  := $(call pc,--libs,sdl2 SDL2_ttf inih harfbuzz libpng libdeflate)
DRAW_LIBS := $(call pc,--libs,freetype2 harfbuzz)
# SDL_image only for the tests that read golden PNGs back: the reader writes
# its PNGs with libpng and libdeflate (src/shot.c) and so loads none of
# SDL_image's codecs.
IMG_LIBS  := $(call pc,--libs,SDL2_image)
# Each part is compiled with only its own libraries' flags: the core sees no
# SDL, FreeType or fontconfig (and a core file that includes SDL, directly or
# through a header, stops the build: see NO_SDL below).
CORE_INCS := -Isrc $(call pc,--cflags,liblz4 libxxhash inih libutf8proc fribidi libthai) $(UNIBREAK_CFLAGS)
TOOL_INCS := -Isrc -Itools $(call pc,--cflags,liblz4 libxxhash inih libutf8proc fribidi libthai freetype2 fontconfig md4c harfbuzz-subset) $(UNIBREAK_CFLAGS)
SDL_INCS  := $(TOOL_INCS) $(call pc,--cflags,sdl2 SDL2_ttf SDL2_image harfbuzz libpng libdeflate)
DRAW_INCS := $(CORE_INCS) $(call pc,--cflags,freetype2 harfbuzz)
INCS      := $(SDL_INCS)
# src/watchdog.c (in the core: plain C over sd_notify(3), for
# lectern.service's Type=notify and WatchdogSec=) loads libsystemd itself,
# only under systemd (dlopen: -ldl is glibc's own since 2.34).
CORE_LIBS += -ldl
ALL_LIBS  := $(SDL_LIBS) $(IMG_LIBS) $(DRAW_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm
# Signed packs (src/pack_sign.c): libsodium, linked into lectern-pack, the
# tests and the reader (src/import.c checks the signatures of import = signed).
SIGN_INCS := $(CORE_INCS) $(call pc,--cflags,libsodium)
SIGN_LIBS := $(call pc,--libs,libsodium)
ALL_LIBS  += $(SIGN_LIBS)

# ---- sources, named one by one -----------------------------------------------
# The core: plain C11, no SDL, no FreeType; shared by the reader, the packer
# and every test. Compiled with CORE_INCS only.
CORE_SRC := src/pack.c src/essay.c src/text.c src/layout.c src/layout_cache.c \
            src/gesture.c src/state.c src/config.c src/replay.c src/fileio.c \
            src/util.c src/watchdog.c src/platform.c
CORE_SRC += src/text_bidi.c
CORE_SRC += src/text_break.c
CORE_SRC += src/guard.c
CORE_SRC += src/schedule.c
CORE_SRC += src/backlight.c
CORE_SRC += src/attract.c
CORE_SRC += src/burnin.c
CORE_SRC += src/admin.c
CORE_SRC += src/evabs.c
CORE_SRC += src/bootwait.c
# the splash's framebuffer code: the reader writes its pictures that way on a display with no GPU
CORE_SRC += src/splash.c
# The packer's library (FreeType, fontconfig, libhyphen, utf8proc): used by
# lectern-pack and the tests. Not by the reader, which runs lectern-pack
# to open a folder of essays (src/app_pack.c) and so loads none of its
# libraries at a cold start.
TOOL_SRC := tools/input.c tools/input_blocks.c tools/input_decode.c tools/input_manifest.c \
            tools/input_title.c tools/input_walk.c tools/input_md.c tools/input_smart.c \
            tools/hyph.c tools/fonts.c \
            tools/pack_write.c tools/packer.c tools/pack_install.c
# Signatures (libsodium): lectern-pack and the tests.
SIGN_SRC := src/pack_sign.c
SIGN_SRC += src/import.c
# The reader's SDL code (and src/app_pack.c, plain C that runs the packer:
# it goes with the reader but is compiled without SDL, see below).
SDL_SRC  := src/shot.c src/app.c src/app_nav.c src/app_input.c src/app_video.c src/app_headless.c \
            src/app_replay.c src/app_dump.c src/app_pack.c src/app_sleep.c src/render.c src/font_ttf.c \
            src/screen_page.c src/screen_library.c src/screen_menu.c src/screen_end.c src/screen_ui.c \
            src/screen_attract.c src/screen_admin.c
SDL_SRC  += src/app_conf.c
SDL_SRC  += src/app_import.c src/screen_import.c
# Drawing without SDL: HarfBuzz shaping and FreeType rasterizing (the
# reader's page code; the core stays free of both). Compiled with
# DRAW_INCS only, and checked for SDL headers as the core is (NO_SDL).
DRAW_SRC := src/font.c src/page.c
# The reader's SDL2 and SDL2_ttf, loaded when it first needs a display
# (src/sdl_dyn.c): linked into the reader only, which is linked without
# them. The tests and benchmarks link SDL itself. A new SDL call in the
# reader fails its link ("undefined reference"): run
#   tools/gen-sdl-dyn.py build/host/libsdl.a build/host/obj/src/main.o > src/sdl_dyn.h
DYN_SRC  := src/sdl_dyn.c
READER_LIBS := $(call pc,--libs,inih harfbuzz libpng libdeflate) -ldl
MAIN_SRC := src/main.c tools/lectern-pack.c
# The boot splash (issue 16): a program of its own, plain C with no library
# at all (it runs before anything else is up), and its drawing code, which
# the tests link too.
SPLASH_SRC := src/splash.c
MAIN_SRC += src/splash_main.c
# A source file in src/ or tools/ that no list names is a mistake, not a
# file to build by accident.
UNLISTED := $(filter-out $(CORE_SRC) $(TOOL_SRC) $(SIGN_SRC) $(SDL_SRC) $(DRAW_SRC) $(DYN_SRC) $(MAIN_SRC) $(SPLASH_SRC),$(wildcard src/*.c tools/*.c))
$(if $(UNLISTED),$(error $(UNLISTED): not in CORE_SRC, TOOL_SRC, SIGN_SRC, SDL_SRC, DRAW_SRC, DYN_SRC, MAIN_SRC or SPLASH_SRC in the Makefile; add it to the list of its part))
TEST_SRC  := $(wildcard tests/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
CORE_A := $(B)/libcore.a
TOOL_A := $(B)/libtool.a
SIGN_A := $(B)/libsign.a
SDL_A  := $(B)/libsdl.a
DRAW_A := $(B)/libdraw.a
PACKER := $(B)/lectern-pack
READER := $(B)/lectern
PACK   := $(B)/default.lpk
SPLASH := $(B)/lectern-splash
TESTS  := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC)) \
          $(patsubst tests/fuzz/%.c,$(B)/tests/replay_%,$(FUZZ_SRC))

.SECONDARY:
.PHONY: all run test asan fuzz cross test-arm64 bench install
all: $(PACKER) $(if $(wildcard src/main.c),$(READER)) $(PACK) $(SPLASH)

# V=1 shows whole command lines
Q := $(if $(filter 1,$(V)),,@)
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $(INCS) -c $< -o $@
	$(Q)$(NO_SDL)

# The flags of each part (tests, benches and fuzz targets get INCS, all of them).
$(call obj,$(CORE_SRC)): INCS := $(CORE_INCS)
$(call obj,$(TOOL_SRC)): INCS := $(TOOL_INCS)
$(call obj,src/app_pack.c): INCS := $(CORE_INCS)
$(call obj,tools/lectern-pack.c): INCS := $(TOOL_INCS) $(call pc,--cflags,libsodium)
$(call obj,$(SIGN_SRC)): INCS := $(SIGN_INCS)
$(call obj,$(DRAW_SRC)): INCS := $(DRAW_INCS)
$(call obj,$(SPLASH_SRC) src/splash_main.c): INCS := -Isrc
# The compiler's own list of what a core or drawing object included (its .d
# file, with system headers: -MD) must name no SDL header.
DEPFLAGS := -MMD -MP
$(call obj,$(CORE_SRC) src/app_pack.c): DEPFLAGS := -MD -MP
$(call obj,$(CORE_SRC) src/app_pack.c): NO_SDL = if grep -q 'SDL2/' $(@:.o=.d); then rm -f $@; \
  echo "$<: the core is plain C and must not include SDL, even through a header (SDL code belongs in the platform, render and screen files)" >&2; exit 1; fi
$(call obj,$(DRAW_SRC)): DEPFLAGS := -MD -MP
$(call obj,$(DRAW_SRC)): NO_SDL = if grep -q 'SDL2/' $(@:.o=.d); then rm -f $@; \
  echo "$<: drawing code is plain C over HarfBuzz and FreeType and must not include SDL, even through a header (SDL_ttf belongs in src/font_ttf.c)" >&2; exit 1; fi

ifneq ($(XROOT),)
$(XROOT)/.stamp:
	$(Q)tools/xroot.sh $(ARCH) $(XROOT)
$(call obj,$(CORE_SRC) $(TOOL_SRC) $(SIGN_SRC) $(SDL_SRC) $(DRAW_SRC) $(DYN_SRC) $(MAIN_SRC) $(TEST_SRC) $(FUZZ_SRC)): | $(XROOT)/.stamp
endif

$(CORE_A): $(call obj,$(CORE_SRC))
$(TOOL_A): $(call obj,$(TOOL_SRC))
$(SDL_A):  $(call obj,$(SDL_SRC))
$(DRAW_A): $(call obj,$(DRAW_SRC))
$(SIGN_A): $(call obj,$(SIGN_SRC))
$(CORE_A) $(TOOL_A) $(SDL_A) $(DRAW_A) $(SIGN_A):
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(PACKER): $(call obj,tools/lectern-pack.c) $(SIGN_A) $(TOOL_A) $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SIGN_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm

# Not the packer's library (TOOL_A, TOOL_LIBS): see TOOL_SRC.
$(READER): $(call obj,src/main.c $(DYN_SRC)) $(SDL_A) $(DRAW_A) $(SIGN_A) $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(READER_LIBS) $(DRAW_LIBS) $(SIGN_LIBS) $(CORE_LIBS) -lm

# libc and libm only: nothing else need be loaded this early in the boot
$(SPLASH): $(call obj,src/splash_main.c $(SPLASH_SRC))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lm

$(PACK): $(PACKER) $(wildcard assets/essays/*)
	$(RUNNER) $(PACKER) build -o $@ assets/essays

# Tests of the reader's SDL code link SDL; the rest link only the core and
# the packer, as the code they test does.
SDL_TEST_SRC := tests/test_shot.c tests/test_page.c tests/test_render.c tests/test_render_fallback.c tests/test_screens.c tests/test_platform.c
SDL_TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(SDL_TEST_SRC))
$(SDL_TESTS): $(B)/tests/%: $(call obj,tests/%.c) $(SDL_A) $(DRAW_A) $(SIGN_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(B)/tests/%: $(call obj,tests/%.c) $(SIGN_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SIGN_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm

# The splash's test links its drawing code (and runs the program: $(SPLASH)).
$(B)/tests/test_splash: $(call obj,tests/test_splash.c $(SPLASH_SRC)) | $(SPLASH)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -lm

# The allocation-failure sweep: every allocation of the core and the packer
# goes through the test's wrappers (tests/test_alloc.c).
$(B)/tests/test_alloc: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=free

# Each fuzz target also builds with a plain main that replays its corpus.
$(B)/tests/replay_%: $(call obj,tests/fuzz/%.c tests/fuzz/replay.c) $(SIGN_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SIGN_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm

$(B)/bench/%: $(call obj,tests/bench/%.c) $(SDL_A) $(DRAW_A) $(SIGN_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

run: all
	@tools/run.sh $(READER) $(PACK)

test: all $(TESTS)
	@B=$(B) RUNNER="$(RUNNER)" tests/run.sh

asan:
	@$(MAKE) --no-print-directory SAN=1 OPT="-O1 -g" test

# libFuzzer needs clang; these binaries live apart from the gcc build.
FUZZ_B := build/fuzz
FUZZ_FLAGS := -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined $(INCS)
$(FUZZ_B)/%: tests/fuzz/%.c $(CORE_SRC) $(TOOL_SRC) $(SIGN_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $^ $(SIGN_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm
fuzz: $(PACK) $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRC))
	@B=$(B) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRC))

cross:
	@$(MAKE) --no-print-directory ARCH=$(ARCH) all

test-arm64:
	@$(MAKE) --no-print-directory ARCH=arm64 $(patsubst $(B)/%,build/arm64/%,$(TESTS)) build/arm64/default.lpk
	@B=build/arm64 RUNNER="env LD_LIBRARY_PATH=$(abspath build/arm64/xroot)/usr/lib qemu-aarch64-static" UNIT_ONLY=1 tests/run.sh

BENCHES := $(patsubst tests/bench/%.c,$(B)/bench/%,$(wildcard tests/bench/*.c))
bench: all $(BENCHES)
	@B=$(B) tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lectern
	install -m 755 $(PACKER) $(DESTDIR)$(PREFIX)/bin/
	$(if $(wildcard $(READER)),install -m 755 $(READER) $(DESTDIR)$(PREFIX)/bin/)
	install -m 644 $(PACK) $(DESTDIR)$(PREFIX)/share/lectern/default.lpk
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 firmware/man/lectern-pack.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	$(if $(wildcard $(READER)),install -m 644 firmware/man/lectern.1 $(DESTDIR)$(PREFIX)/share/man/man1/)
	$(if $(wildcard $(READER)),install -m 644 firmware/man/lectern.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/)

-include $(shell find build -type f -name '*.d' 2>/dev/null)

# ---- kiosk: Debian package, SD-card image, emulated boot (issue 5) ---------
# See firmware/README.md. Scratch space (chroots, rootfs, apt cache) is
# $(KIOSK_TMP), outside the tree; results go to build/deb, build/image and
# build/kiosk-test. PACK=FILE on the command line puts that pack in the image.
PROFILE   ?= hdmi-1024x600
KIOSK_TMP ?= /tmp/lectern-kiosk
export KIOSK_TMP
KIOSK_DEB  = build/deb/lectern_$(VERSION)_$(1).deb
# OVERLAYROOT=1: the read-only root (build/image/lectern-PROFILE-ro.img)
KIOSK_IMG  = build/image/lectern-$(PROFILE)$(if $(filter 1,$(OVERLAYROOT)),-ro).img
.PHONY: deb deb-test image image-test image-test-only
deb:
	@tools/deps-kiosk.sh deb $(ARCH)
	@firmware/debian/build-deb.sh $(ARCH) $(VERSION) build/deb
# make deb-test tests the arm64 package; ARCH=armhf (given, not the
# host's default) tests the armhf one in an armhf chroot.
DEB_TEST_ARCH = $(if $(filter command line environment,$(origin ARCH)),$(ARCH),arm64)
deb-test:
	@$(MAKE) --no-print-directory deb ARCH=$(DEB_TEST_ARCH)
	@tools/deps-kiosk.sh deb-test $(DEB_TEST_ARCH)
	@firmware/test/deb-test.sh $(call KIOSK_DEB,$(DEB_TEST_ARCH))
image:
	@$(MAKE) --no-print-directory deb ARCH=arm64
	@tools/deps-kiosk.sh image
	@firmware/image/build-image.sh --profile $(PROFILE) --deb $(call KIOSK_DEB,arm64) \
	  $(if $(filter command line,$(origin PACK)),--pack $(PACK)) $(if $(filter 1,$(OVERLAYROOT)),--overlayroot) \
	  --out $(KIOSK_IMG)
image-test: image
	@$(MAKE) --no-print-directory image-test-only
# the boots alone, on the image that make image built last (.ci/run builds
# it beside other targets, then boots it with nothing else running)
image-test-only: $(READER)
	@tools/deps-kiosk.sh image-test
	@READER=$(READER) firmware/image/image-test.sh $(KIOSK_IMG)

endif # LECTERN_INNER
