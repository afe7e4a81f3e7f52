# kcvs-pdf — build, test and run the typesetting compiler.
#   make            build ./kcvs-pdf
#   make report     install what is missing, build, compile content/report.xml
#   make check      install what is missing, build, run every test (also
#                   under AddressSanitizer + UndefinedBehaviorSanitizer)
#   make bench      optimised build, timing of the real report

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC      ?= cc
PKGS    := libxml-2.0 freetype2 harfbuzz harfbuzz-subset
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS    := -D_GNU_SOURCE -DKCVS_VERSION='"$(VERSION)"' \
           -DKCVS_DATADIR='"$(PREFIX)/share/kcvs-pdf"'
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)
LIBS    := $(PKG_LIBS) -lhpdf -lhyphen -lm

SRC      := $(sort $(wildcard src/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
OBJ      := $(LIB_SRC:src/%.c=build/obj/%.o)
ASAN_OBJ := $(LIB_SRC:src/%.c=build/asan/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests-asan/%)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test-deps report check unit e2e asan-check bench clean install uninstall

all: kcvs-pdf

deps:
	@sh .ci/install-deps.sh

test-deps:
	@sh .ci/install-deps.sh test

build/obj/%.o: src/%.c $(wildcard src/*.h) | build/obj
	$(CC) $(ALL_CFLAGS) -MMD -c $< -o $@

build/asan/%.o: src/%.c $(wildcard src/*.h) | build/asan
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -c $< -o $@

build/obj build/asan build/tests build/tests-asan:
	@mkdir -p $@

build/libkcvs.a: $(OBJ)
	ar rcs $@ $^

build/libkcvs-asan.a: $(ASAN_OBJ)
	ar rcs $@ $^

kcvs-pdf: src/main.c build/libkcvs.a
	$(CC) $(ALL_CFLAGS) src/main.c build/libkcvs.a $(LIBS) -o $@

kcvs-pdf-asan: src/main.c build/libkcvs-asan.a
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) src/main.c build/libkcvs-asan.a $(LIBS) -o $@

build/tests/%: tests/unit/%.c build/libkcvs.a | build/tests
	$(CC) $(ALL_CFLAGS) -Isrc $< build/libkcvs.a $(LIBS) -lcmocka -o $@

build/tests-asan/%: tests/unit/%.c build/libkcvs-asan.a | build/tests-asan
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -Isrc $< build/libkcvs-asan.a $(LIBS) -lcmocka -o $@

report: deps
	@$(MAKE) --no-print-directory kcvs-pdf
	./kcvs-pdf content/report.xml -o out/report.pdf
	@echo "wrote out/report.pdf"

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

e2e: kcvs-pdf
	@KCVS_PDF=./kcvs-pdf sh tests/e2e/run.sh

asan-check: kcvs-pdf-asan $(ASAN_UNIT_BIN)
	@sh tests/run-unit.sh $(ASAN_UNIT_BIN)
	@KCVS_PDF=./kcvs-pdf-asan ASAN_OPTIONS=detect_leaks=1 sh tests/e2e/run.sh

check: test-deps
	@$(MAKE) --no-print-directory kcvs-pdf $(UNIT_BIN)
	@sh tests/check.sh

bench: deps
	@$(MAKE) --no-print-directory kcvs-pdf CFLAGS="-O2 -DNDEBUG"
	@sh bench/run.sh

clean:
	rm -rf build kcvs-pdf kcvs-pdf-asan

-include $(OBJ:.o=.d)
