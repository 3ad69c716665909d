# lectern - offline reading kiosk. See README.md.
#
#   make            build lectern-pack, lectern and the default pack
#   make run        ... and open the reader (PNG preview when there is no display)
#   make test       every test; last line "N passed, N failed"
#   make asan       the same tests under ASan + UBSan
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make cross ARCH=arm64 / make test-arm64 / make bench / make install / make clean

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
  RUNNER     ?= qemu-aarch64-static
else ifeq ($(ARCH),armhf)
  B          ?= build/armhf
  CC         := arm-linux-gnueabihf-gcc
  PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig pkg-config
  RUNNER     ?= qemu-arm-static
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
            $(OPT) $(SANFLAGS) $(if $(filter 1,$(WERROR)),-Werror) -MMD -MP \
            -DLECTERN_VERSION='"$(VERSION)"' -DLECTERN_DATADIR='"$(PREFIX)/share/lectern"'
LDFLAGS  += $(SANFLAGS)

# Only kiosk goals (make deb ARCH=armhf builds in a chroot): the host may
# not have ARCH's .pc files, and these flags are not used, so no complaints.
KIOSK_ONLY := $(if $(MAKECMDGOALS),$(if $(filter-out deb deb-test image image-test,$(MAKECMDGOALS)),,1))
pc = $(shell $(PKG_CONFIG) $(1) $(2) $(if $(KIOSK_ONLY),2>/dev/null))
CORE_LIBS := $(call pc,--libs,liblz4 libxxhash inih)
TOOL_LIBS := $(call pc,--libs,libutf8proc freetype2 fontconfig inih) -lhyphen
SDL_LIBS  := $(call pc,--libs,sdl2 SDL2_ttf SDL2_image inih harfbuzz)
INCS      := -Isrc -Itools $(call pc,--cflags,liblz4 libxxhash freetype2 fontconfig sdl2 SDL2_ttf SDL2_image inih harfbuzz)
ALL_LIBS  := $(SDL_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm

# ---- sources: the core is every src/*.c that is not SDL code ---------------
SDL_SRC   := $(wildcard src/render*.c src/font*.c src/screen*.c src/platform*.c src/app*.c)
CORE_SRC  := $(filter-out $(SDL_SRC) src/main.c,$(wildcard src/*.c))
TOOL_SRC  := $(filter-out tools/lectern-pack.c,$(wildcard tools/*.c))
TEST_SRC  := $(wildcard tests/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
CORE_A := $(B)/libcore.a
TOOL_A := $(B)/libtool.a
SDL_A  := $(B)/libsdl.a
PACKER := $(B)/lectern-pack
READER := $(B)/lectern
PACK   := $(B)/default.lpk
TESTS  := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC)) \
          $(patsubst tests/fuzz/%.c,$(B)/tests/replay_%,$(FUZZ_SRC))

.SECONDARY:
.PHONY: all run deps test asan fuzz cross test-arm64 bench install clean
all: $(PACKER) $(if $(wildcard src/main.c),$(READER)) $(PACK)

# V=1 shows whole command lines
Q := $(if $(filter 1,$(V)),,@)
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(INCS) -c $< -o $@

$(CORE_A): $(call obj,$(CORE_SRC))
$(TOOL_A): $(call obj,$(TOOL_SRC))
$(SDL_A):  $(call obj,$(SDL_SRC))
$(CORE_A) $(TOOL_A) $(SDL_A):
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(PACKER): $(call obj,tools/lectern-pack.c) $(TOOL_A) $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(CORE_LIBS) -lm

$(READER): $(call obj,src/main.c) $(SDL_A) $(TOOL_A) $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SDL_LIBS) $(TOOL_LIBS) $(CORE_LIBS) -lm

$(PACK): $(PACKER) $(wildcard assets/essays/*)
	$(RUNNER) $(PACKER) build -o $@ assets/essays

# Tests of SDL code (named like the SDL sources) link SDL; the rest link only
# the core and the packer, as the code they test does.
SDL_TEST_SRC := $(wildcard tests/test_render*.c tests/test_font*.c tests/test_screen*.c tests/test_platform*.c tests/test_app*.c)
SDL_TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(SDL_TEST_SRC))
$(SDL_TESTS): $(B)/tests/%: $(call obj,tests/%.c) $(SDL_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(B)/tests/%: $(call obj,tests/%.c) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(CORE_LIBS) -lm

# Each fuzz target also builds with a plain main that replays its corpus.
$(B)/tests/replay_%: $(call obj,tests/fuzz/%.c tests/fuzz/replay.c) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(CORE_LIBS) -lm

$(B)/bench/%: $(call obj,tests/bench/%.c) $(SDL_A) $(TOOL_A) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

deps:
	@tools/deps.sh

run: deps all
	@tools/run.sh $(READER) $(PACK)

test: deps all $(TESTS)
	@B=$(B) RUNNER="$(RUNNER)" tests/run.sh

asan:
	@$(MAKE) --no-print-directory SAN=1 OPT="-O1 -g" test

# libFuzzer needs clang; these binaries live apart from the gcc build.
FUZZ_B := build/fuzz
FUZZ_FLAGS := -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined $(INCS)
$(FUZZ_B)/%: tests/fuzz/%.c $(CORE_SRC) $(TOOL_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $^ $(TOOL_LIBS) $(CORE_LIBS) -lm
fuzz: deps $(PACK) $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRC))
	@B=$(B) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRC))

cross:
	@$(MAKE) --no-print-directory ARCH=$(ARCH) all

test-arm64:
	@$(MAKE) --no-print-directory ARCH=arm64 $(patsubst $(B)/%,build/arm64/%,$(TESTS)) build/arm64/default.lpk
	@B=build/arm64 RUNNER=qemu-aarch64-static UNIT_ONLY=1 tests/run.sh

BENCHES := $(patsubst tests/bench/%.c,$(B)/bench/%,$(wildcard tests/bench/*.c))
bench: deps all $(BENCHES)
	@B=$(B) tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lectern
	install -m 755 $(PACKER) $(DESTDIR)$(PREFIX)/bin/
	$(if $(wildcard $(READER)),install -m 755 $(READER) $(DESTDIR)$(PREFIX)/bin/)
	install -m 644 $(PACK) $(DESTDIR)$(PREFIX)/share/lectern/default.lpk

clean:
	rm -rf build

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
.PHONY: deb deb-test image image-test
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
image-test: image $(READER)
	@tools/deps-kiosk.sh image-test
	@READER=$(READER) firmware/image/image-test.sh $(KIOSK_IMG)
