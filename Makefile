# kcvs-pdf — build, test and run the typesetting compiler.
#   make            build ./kcvs-pdf
#   make report     install what is missing, build, compile content/report.xml
#   make check      install what is missing, build, run every test (also
#                   under AddressSanitizer + UndefinedBehaviorSanitizer)
#   make bench      optimised build, timing of the real report
#   make layout-check   compare the layout goldens (tests/layout)
#   make goldens        rewrite them after a deliberate layout change
#   make style-docs     rewrite docs/style-parameters.md from the style table

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC      ?= cc
# src/ holds one folder per stage of the pipeline, in its order; a stage
# includes only its own and earlier stages' headers (tests/structure.sh).
STAGES   := base load build shape break layout emit cli
SRC_DIRS := $(addprefix src/,$(STAGES))
PKGS    := libxml-2.0 freetype2 harfbuzz harfbuzz-subset libpng libjpeg lcms2 zlib libzip libdeflate
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libzip is opened with dlopen when an import reads a package (src/base/zipfile.c):
# its headers, not its library, at build time.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libzip,$(PKGS)) 2>/dev/null)
LIBZIP_SONAME := $(shell objdump -p $$(pkg-config --variable=libdir libzip 2>/dev/null)/libzip.so 2>/dev/null | awk '/SONAME/ { print $$2 }')
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS    := -D_GNU_SOURCE -DKCVS_VERSION='"$(VERSION)"' \
           $(if $(LIBZIP_SONAME),-DKCVS_LIBZIP_SONAME='"$(LIBZIP_SONAME)"') \
           -DKCVS_DATADIR='"$(PREFIX)/share/kcvs-pdf"' -Ibuild/gen \
           $(addprefix -I,$(SRC_DIRS))
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)
LIBS    := $(PKG_LIBS) -lhpdf -lhyphen -lm -pthread
# The shipped binary (and bench's) takes libxml2 with the ICU and C++
# runtime it brings, libjpeg, libdeflate and libhyphen from their static
# archives: loading and relocating them at each start cost ~1.3 ms of the
# report's ~22 (bench/NOTES.md). What other shared libraries load anyway
# (zlib, libpng, FreeType) and what Debian ships no archive of (HarfBuzz,
# libharu, Little CMS) stays shared. A security update of a static one
# takes a rebuild. The tests' binaries link all of them shared.
STATIC_LIBS := -Wl,-Bstatic -lxml2 -licuuc -licudata -llzma -lstdc++ -ljpeg -ldeflate \
               -lhyphen -Wl,-Bdynamic
BIN_LIBS := -static-libgcc $(STATIC_LIBS) \
            $(shell pkg-config --libs freetype2 harfbuzz harfbuzz-subset libpng lcms2 zlib 2>/dev/null) \
            -lhpdf -lm -pthread

SRC      := $(sort $(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
HDR      := $(wildcard $(addsuffix /*.h,$(SRC_DIRS)))
MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(SRC))
OBJ      := $(addprefix build/obj/,$(notdir $(LIB_SRC:.c=.o)))
ASAN_OBJ := $(addprefix build/asan/,$(notdir $(LIB_SRC:.c=.o)))
vpath %.c $(SRC_DIRS)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests-asan/%)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test-deps report check unit e2e faults asan-check bench clean install \
        uninstall dist docs validate gallery fuzz layout-check goldens style-docs \
        style-docs-check FORCE

all: kcvs-pdf

deps:
	@sh .ci/install-deps.sh

test-deps:
	@sh .ci/install-deps.sh test
	@sh tests/js/install.sh

# The Dutch hyphenation patterns, compiled into the binary (src/shape/hyph.c):
# mapped at run time instead of parsed. Without the file the header has no
# patterns and kcvs-pdf loads whatever file it finds, as before.
HYPH_EMBEDDED_FILE ?= /usr/share/hyphen/hyph_nl_NL.dic
GEN_H := build/gen/hyph_embedded.h build/gen/style_valid.h

build/gen/hyphgen: tools/hyphgen.c
	@mkdir -p build/gen
	$(CC) $(WARN) -O2 $< -lhyphen -o $@

build/gen/hyph_embedded.h: build/gen/hyphgen $(wildcard $(HYPH_EMBEDDED_FILE))
	build/gen/hyphgen $(HYPH_EMBEDDED_FILE) $@.tmp && mv $@.tmp $@

# The shipped style sheets, validated against the style schema at build
# time (src/load/style.c skips the run-time validation for these bytes).
build/gen/stylecheck: tools/stylecheck.c
	@mkdir -p build/gen
	$(CC) $(WARN) -O2 $(shell pkg-config --cflags libxml-2.0) $< \
	    $(shell pkg-config --libs libxml-2.0) -o $@

build/gen/style_valid.h: build/gen/stylecheck schema/style.rng $(wildcard styles/*.xml)
	build/gen/stylecheck schema/style.rng $@.tmp $(sort $(wildcard styles/*.xml)) && mv $@.tmp $@

build/obj/%.o: %.c $(HDR) $(GEN_H) | build/obj
	$(CC) $(ALL_CFLAGS) -MMD -MP -MF $(@:.o=.dep) -c $< -o $@

build/asan/%.o: %.c $(HDR) $(GEN_H) | build/asan
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -c $< -o $@

build/obj build/asan build/tests build/tests-asan:
	@mkdir -p $@

build/libkcvs.a: $(OBJ)
	ar rcs $@ $^

build/libkcvs-asan.a: $(ASAN_OBJ)
	ar rcs $@ $^

# The binary has PREFIX compiled in: rebuild it when PREFIX changes.
build/prefix: FORCE
	@mkdir -p build; echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:

kcvs-pdf: $(MAIN_SRC) build/libkcvs.a build/prefix
	$(CC) $(ALL_CFLAGS) $(MAIN_SRC) build/libkcvs.a $(BIN_LIBS) -o $@

kcvs-pdf-asan: $(MAIN_SRC) build/libkcvs-asan.a
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) $(MAIN_SRC) build/libkcvs-asan.a $(LIBS) -o $@

# test_zipfile writes its packages with libzip itself.
build/tests/test_zipfile build/tests-asan/test_zipfile: LIBS += -lzip

build/tests/%: tests/unit/%.c tests/unit/testutil.h build/libkcvs.a | build/tests
	$(CC) $(ALL_CFLAGS) $< build/libkcvs.a $(LIBS) -lcmocka -o $@

build/tests-asan/%: tests/unit/%.c tests/unit/testutil.h build/libkcvs-asan.a | build/tests-asan
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) $< build/libkcvs-asan.a $(LIBS) -lcmocka -o $@

report: deps
	@$(MAKE) --no-print-directory kcvs-pdf
	./kcvs-pdf content/report.xml -o out/report.pdf

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

e2e: kcvs-pdf
	@KCVS_PDF=./kcvs-pdf sh tests/e2e/run.sh

# Fault injection: nothing lost under a full disk, wrong -o, signals,
# a file that cannot be opened for want of memory (FAULT_SHIMS, preloaded).
FAULT_SHIMS := build/tests/libenomem_open.so

build/tests/lib%.so: tests/faults/%.c | build/tests
	$(CC) $(WARN) -D_GNU_SOURCE $(CFLAGS) -shared -fPIC $< -ldl -o $@

faults: kcvs-pdf $(FAULT_SHIMS)
	@KCVS_PDF=./kcvs-pdf sh tests/faults/run.sh

# Layout goldens: every tests/layout/*.xml laid out and its text dump
# compared with the .expected files; `make goldens` rewrites them (review
# the result with git diff).
layout-check: kcvs-pdf
	@KCVS_PDF=./kcvs-pdf sh tests/layout/run.sh

goldens: kcvs-pdf
	@KCVS_PDF=./kcvs-pdf sh tests/layout/run.sh --update

# The reference of the style parameters, generated from the one table that
# declares them (src/load/style_table.c); style-docs-check fails when it is stale.
build/gen/styledoc: tools/styledoc.c build/libkcvs.a
	@mkdir -p build/gen
	$(CC) $(ALL_CFLAGS) $< build/libkcvs.a $(LIBS) -o $@

style-docs: build/gen/styledoc
	build/gen/styledoc > docs/style-parameters.md.tmp && mv docs/style-parameters.md.tmp docs/style-parameters.md

style-docs-check: build/gen/styledoc
	@build/gen/styledoc | diff -u docs/style-parameters.md - >&2 || \
	    { echo "style-docs: docs/style-parameters.md is stale: make style-docs" >&2; exit 1; }
	@echo "style-docs: 1 passed, 0 failed"

asan-check: kcvs-pdf-asan $(ASAN_UNIT_BIN)
	@sh tests/run-unit.sh $(ASAN_UNIT_BIN)
	@KCVS_PDF=./kcvs-pdf-asan ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 sh tests/layout/run.sh
	@KCVS_PDF=./kcvs-pdf-asan ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 sh tests/e2e/run.sh

check: test-deps
	@$(MAKE) --no-print-directory kcvs-pdf $(UNIT_BIN) $(FAULT_SHIMS)
	@sh tests/check.sh

# The benchmark times its own optimised build, whatever ./kcvs-pdf was built with.
build/bench/kcvs-pdf-opt: $(SRC) $(HDR) $(GEN_H)
	@mkdir -p build/bench
	$(CC) $(WARN) $(DEFS) $(PKG_CFLAGS) -O2 -DNDEBUG $(SRC) $(BIN_LIBS) -o $@

bench: deps
	@$(MAKE) --no-print-directory build/bench/kcvs-pdf-opt
	@KCVS_PDF=build/bench/kcvs-pdf-opt KCVS_PDF_REV=$$(git rev-parse --short HEAD 2>/dev/null) \
	    KCVS_PDF_DATADIR=$(CURDIR) sh bench/run.sh

clean:
	rm -rf build kcvs-pdf kcvs-pdf-asan

SHARE := $(DESTDIR)$(PREFIX)/share/kcvs-pdf
INSTALLED_DATA := $(wildcard schema/*.rng schema/*.rnc styles/*.xml fonts/*.ttf fonts/*.txt)

install: kcvs-pdf
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(SHARE)/schema $(SHARE)/styles $(SHARE)/fonts
	install -m 755 kcvs-pdf $(DESTDIR)$(PREFIX)/bin/kcvs-pdf
	install -m 644 docs/kcvs-pdf.1 $(DESTDIR)$(PREFIX)/share/man/man1/kcvs-pdf.1
	install -m 644 $(wildcard schema/*.rng schema/*.rnc) $(SHARE)/schema/
	install -m 644 $(wildcard styles/*.xml) $(SHARE)/styles/
	install -m 644 $(wildcard fonts/*.ttf fonts/*.txt) $(SHARE)/fonts/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kcvs-pdf $(DESTDIR)$(PREFIX)/share/man/man1/kcvs-pdf.1
	rm -f $(addprefix $(SHARE)/,$(INSTALLED_DATA))
	-rmdir $(SHARE)/schema $(SHARE)/styles $(SHARE)/fonts $(SHARE) 2>/dev/null

dist:
	@mkdir -p out
	git archive --format=tar.gz --prefix=kcvs-pdf-$(VERSION)/ -o out/kcvs-pdf-$(VERSION).tar.gz HEAD
	@echo "wrote out/kcvs-pdf-$(VERSION).tar.gz"

docs: deps
	@$(MAKE) --no-print-directory kcvs-pdf
	./kcvs-pdf -W error docs/guide.xml -o out/guide.pdf

validate: test-deps
	@for f in content/*.xml content/sections/*.xml; do \
	    xmllint --noout --relaxng schema/kcvs.rng "$$f" || exit 1; \
	    jing schema/kcvs.rng "$$f" || exit 1; \
	done; echo "content/ is valid"

# Cover, contents, opener, continuation, budget page and the guide's budget
# chart, in both styles. The
# 2021 report has no continuation page (every workstream fits on its
# opener), so that one comes from the editors' guide. A continuation page is
# one after the contents whose first line is not a workstream number; the
# budget page is the one with the budget table's title.
GALLERY_DPI    := 60
GALLERY_BUDGET := ^Tabel [0-9]+: Budget
GALLERY_CHART  := ^Figuur [0-9]+: 
gallery: kcvs-pdf
	@mkdir -p out/gallery
	@set -e; \
	page_of() { pdftotext -enc UTF-8 "$$1" - | awk -v RS='\f' -v re="$$2" -v cont="$$3" ' \
	    NR > 2 && cont { n = split($$0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] ~ /[^ ]/) break; \
	                     if (l[i] !~ /^[0-9][0-9]$$/) { print NR; exit } } \
	    NR > 2 && !cont { n = split($$0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] ~ re) { print NR; exit } }'; }; \
	shot() { pdftoppm -png -r $(GALLERY_DPI) -singlefile -f "$$2" -l "$$2" "$$1" "out/gallery/$$3"; \
	         echo "out/gallery/$$3.png"; }; \
	for s in kcvs sober; do \
	    ./kcvs-pdf -q --style $$s content/report.xml -o out/gallery/report-$$s.pdf; \
	    ./kcvs-pdf -q --style $$s docs/guide.xml -o out/gallery/guide-$$s.pdf; \
	    cont_pdf=out/gallery/report-$$s.pdf; cont=$$(page_of $$cont_pdf '' 1); \
	    if [ -z "$$cont" ]; then cont_pdf=out/gallery/guide-$$s.pdf; cont=$$(page_of $$cont_pdf '' 1); fi; \
	    budget=$$(page_of out/gallery/report-$$s.pdf '$(GALLERY_BUDGET)' ''); \
	    [ -n "$$cont" ] && [ -n "$$budget" ] || { echo "gallery: no continuation or budget page" >&2; exit 1; }; \
	    shot out/gallery/report-$$s.pdf 1 $$s-1-cover; \
	    shot out/gallery/report-$$s.pdf 2 $$s-2-contents; \
	    shot out/gallery/report-$$s.pdf 3 $$s-3-opener; \
	    shot $$cont_pdf $$cont $$s-4-continuation; \
	    shot out/gallery/report-$$s.pdf $$budget $$s-5-budget; \
	    chart=$$(page_of out/gallery/guide-$$s.pdf '$(GALLERY_CHART)' ''); \
	    [ -n "$$chart" ] || { echo "gallery: no budget chart in the guide" >&2; exit 1; }; \
	    shot out/gallery/guide-$$s.pdf $$chart $$s-6-chart; \
	done

fuzz: test-deps
	sh tests/fuzz/run.sh $${FUZZ_SECONDS:-600}

# .dep, not .d: dependency files from before src/ had stage folders name
# sources that moved.
-include $(OBJ:.o=.dep)
