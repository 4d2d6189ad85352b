# vn-plan-pipeline — thin wrapper over `python -m pipeline` and the tools/ scripts.
#   make all [IN=samples OUT=outputs]   set up, then process every input in IN (NAME.pdf too)
#            [KEEP_WORDS=FILE]          words the restorer leaves as read (--keep-words)
#   make test                           set up, then run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
IN ?= samples
OUT ?= outputs
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
KEEP_WORDS ?=
KEEP_WORDS_OPTION = $(if $(KEEP_WORDS),--keep-words "$(KEEP_WORDS)")
SHARED ?= ../shared

# System packages: Tesseract with its Vietnamese model, poppler, and the Tinos font the
# synthetic-scan renderer (tests, samples, benchmarks) uses; ghostscript for ocrmypdf, the
# baseline `make bench-ocr` compares against; chromium for the review page's browser test
# (tests/test_review_browser.py drives it with playwright; no browser is downloaded).
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng poppler-utils fonts-croscore \
	ghostscript chromium
STAMP := $(VENV)/.installed

.PHONY: all run setup system-deps test lint samples model lexicon bench bench-restore bench-ocr channel \
	calibrate-restore \
	candidates clean channel-vie vie-fonts bench-restore-real bench-real bench-structure \
	bench-blanks bench-doubts bench-pdf reliability-doc bench-dask

all: run

run: setup
	$(PY) -m pipeline run "$(IN)" --out "$(OUT)" --jobs $(JOBS) --incremental --pdf $(KEEP_WORDS_OPTION)

setup: system-deps $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask]'
	touch $@

system-deps:
	@missing=""; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; } \
	  || missing="$$missing tesseract-ocr-vie"; \
	{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng; } \
	  || missing="$$missing tesseract-ocr-eng"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -q Tinos || missing="$$missing fonts-croscore"; \
	command -v gs >/dev/null || missing="$$missing ghostscript"; \
	{ command -v chromium >/dev/null || command -v chromium-browser >/dev/null; } \
	  || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing system packages:$$missing" >&2; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >&2; \
	else \
	  echo "missing system packages:$$missing" >&2; \
	  echo "run as root:  sudo apt-get update && sudo apt-get install -y $(APT_PACKAGES)" >&2; \
	  exit 1; \
	fi

test: setup
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check pipeline tests tools bench
	$(VENV)/bin/lint-imports --no-cache

# docs/reliability.md: the promises and the table of bad inputs tried, from the tests' CASES.
reliability-doc: setup
	$(PY) -m tools.reliability_doc

# Benchmarks print tables; they are not tests. The OCR'd dev set is rendered from corpus text
# the language model did not train on (pipeline.restore.lm.corpus_split) and cached in .cache/.
PAIRS := .cache/ocr_pairs
bench: bench-restore bench-ocr

bench-restore: setup
	test -f $(PAIRS)/dev.jsonl || $(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split dev \
	  --syllables 20000 --seed 1 --models eng,vie --out $(PAIRS)/dev.jsonl
	$(PY) -m bench.restore --set dev

# The restorer's confidence curves (pipeline/data/restore_calibration.json), fitted on the dev
# pairs and checked on test pairs (both splits the LM never trained on). Rerun after `make
# model`, a new channel or a restore change that moves the decoder's beliefs.
calibrate-restore: setup
	test -f $(PAIRS)/dev.jsonl || $(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split dev \
	  --syllables 20000 --seed 1 --models eng,vie --out $(PAIRS)/dev.jsonl
	test -f $(PAIRS)/test.jsonl || $(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split test \
	  --syllables 10000 --seed 3 --models eng,vie --out $(PAIRS)/test.jsonl
	$(PY) tools/calibrate_restore.py --fit dev --check test

# The English-OCR channel (pipeline/data/channel_eng*.tsv) is learned from OCR pairs of
# rendered train-split corpus text, one file per seed (each ~10 min on one core, cached in
# .cache/; see pipeline/data/PROVENANCE.md). Not needed for a fresh clone: the tables are
# committed. `make candidates` after a new channel.
TRAIN_SEEDS := 4 5 6 7 8 9 10
TRAIN_PAIRS := $(PAIRS)/train.jsonl $(TRAIN_SEEDS:%=$(PAIRS)/train_s%.jsonl)
SYLLABLES_4 := 80000
SYLLABLES_5 := 90000
SYLLABLES_6 := 100000
SYLLABLES_7 := 110000
SYLLABLES_8 := 110000
SYLLABLES_9 := 110000
SYLLABLES_10 := 110000

$(PAIRS)/train.jsonl: | setup
	$(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split train --syllables 66000 --seed 2 \
	  --models eng --out $@

$(PAIRS)/train_s%.jsonl: | setup
	$(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split train --syllables $(SYLLABLES_$*) \
	  --seed $* --sample 0.02 --models eng --out $@

channel: setup $(TRAIN_PAIRS)
	$(PY) tools/learn_channel.py --model eng --iterations 3 --min-count 2 \
	  --pairs $(TRAIN_PAIRS) --out pipeline/data/channel_eng.tsv

# The Vietnamese-model channel (pipeline/data/channel_vie*.tsv) is learned from OCR pairs of
# train-split corpus text rendered as real pages come (make_ocr_pairs.py --style realistic: ten
# faces, 96-300 dpi, web copies, grey and bitonal scans, read by the pipeline's ocr stage; one
# file per seed, ~5 min each on one core) and the Tinos pairs of seed 2. The faces come from
# Debian font packages that only this needs (vie-fonts installs them as root; Liberation 2:
# version 1 lacks most Vietnamese letters). See pipeline/data/PROVENANCE.md.
VIE_FONT_PACKAGES := fonts-croscore:croscore/Arimo-Regular.ttf \
	fonts-liberation2:liberation2/LiberationSerif-Regular.ttf \
	fonts-freefont-ttf:freefont/FreeSerif.ttf fonts-dejavu-core:dejavu/DejaVuSerif.ttf \
	fonts-noto-core:noto/NotoSerif-Regular.ttf
REAL_SEEDS := 11 12 13 14
VIE_PAIRS := $(PAIRS)/train.vie.jsonl $(REAL_SEEDS:%=$(PAIRS)/train_real_s%.vie.jsonl)
PAIR_WORKERS ?= 2

vie-fonts:
	@missing=""; \
	for entry in $(VIE_FONT_PACKAGES); do \
	  test -f /usr/share/fonts/truetype/$${entry#*:} || missing="$$missing $${entry%%:*}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing font packages:$$missing" >&2; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	else \
	  echo "run as root:  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi

$(PAIRS)/train.vie.jsonl: | setup
	$(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split train --syllables 66000 --seed 2 \
	  --models vie --workers $(PAIR_WORKERS) --out $(PAIRS)/train.jsonl

$(PAIRS)/train_real_s%.vie.jsonl: | setup vie-fonts
	$(PY) tools/make_ocr_pairs.py --shared $(SHARED) --split train --style realistic \
	  --syllables 60000 --seed $* --sample 0.02 --models vie --workers $(PAIR_WORKERS) \
	  --out $(PAIRS)/train_real_s$*.jsonl

channel-vie: setup $(VIE_PAIRS)
	$(PY) tools/learn_channel.py --model vie --iterations 3 --min-count 2 \
	  --pairs $(VIE_PAIRS) --out pipeline/data/channel_vie.tsv

# The restore benchmark on realistic pages of the dev split (SET=test: the test split, kept
# for a last measurement), eng and vie OCR of the same text.
SET ?= dev
REAL_SEED_dev := 21
REAL_SEED_test := 23

bench-restore-real: setup vie-fonts
	test -f $(PAIRS)/$(SET)_real.jsonl || $(PY) tools/make_ocr_pairs.py --shared $(SHARED) \
	  --split $(SET) --style realistic --syllables 20000 --seed $(REAL_SEED_$(SET)) \
	  --models eng,vie --workers $(PAIR_WORKERS) --out $(PAIRS)/$(SET)_real.jsonl
	$(PY) -m bench.restore --set $(SET) --realistic

# Scored candidates of the most frequent English-OCR tokens (speed only: the restorer ignores
# a table made with another channel, LM or inventory).
candidates: setup $(TRAIN_PAIRS)
	$(PY) tools/precompute_candidates.py --top 10000 --out pipeline/data/candidates_eng.npz \
	  --pairs $(TRAIN_PAIRS)

# Regenerate the bundled synthetic scans and their ground truth.
samples: setup
	$(PY) tools/make_samples.py --out samples

# Train the syllable language model from the corpus in $(SHARED) (not needed for a fresh
# clone: the trained artifact is committed, see pipeline/data/PROVENANCE.md).
model: setup
	$(PY) tools/train_lm.py --shared $(SHARED) --out pipeline/data/syllable_lm.npz

lexicon: setup
	$(PY) tools/build_lexicon.py --shared $(SHARED) --out dictionaries/vi_admin_terms.txt
	$(PY) tools/learn_abbreviations.py --shared $(SHARED) --out pipeline/data/abbreviations_d.tsv

# Pages/s of the executors (issue 15): local --jobs 1 and 2, a Dask LocalCluster of 1 and 2
# workers, on the 11 sample pages in one run (3 rounds interleaved, best kept); cluster start-up
# reported apart.
bench-dask: setup
	$(PY) -m bench.executors --repeat 3

# OCR benchmark: our ocr stage vs plain tesseract and ocrmypdf on rendered scans (prints a table).
bench-ocr: setup
	$(PY) -m bench.ocr

# Real scanned and photographed pages (../shared/realscans): ours against plain Tesseract, per
# page and pooled, and as copier PDFs; held-out pages marked (see bench/real.py).
bench-real: setup
	$(PY) -m bench.real --shared $(SHARED) --jobs $(JOBS)

# Structure on the same real pages (issue 13): header, title/subject, addressees, signature and
# recipients of each page's JSON against the field truth bench/data/real_fields.json (written by
# looking at the images); right, wrong with and without a flag, missing, spurious; held-out
# pages apart (see bench/structure.py).
bench-structure: setup
	$(PY) -m bench.structure --shared $(SHARED) --jobs $(JOBS)

# The hand-filled blanks of the same pages (number, day, month) as the ocr stage reads them
# apart, against the field truth; synthetic blanks too (see bench/blanks.py).
bench-blanks: setup
	$(PY) -m bench.blanks --jobs $(JOBS)

# The OCR doubt threshold: for thresholds 60..95, words listed as doubts on the dev real pages
# and the share of the output's errors they catch (see bench/doubts.py).
bench-doubts: setup
	$(PY) -m bench.doubts --shared $(SHARED) --jobs $(JOBS)

# NAME.pdf of the bundled samples checked: pdftotext against the restored text, the images against
# the input's, size growth, qpdf's check, the PDF/A claim (see bench/pdf.py).
PDF_BENCH_OUT := .cache/bench_pdf
bench-pdf: setup
	$(PY) -m pipeline run samples --out $(PDF_BENCH_OUT) --jobs $(JOBS) --pdf -q
	$(PY) -m bench.pdf $(PDF_BENCH_OUT) samples/*.pdf samples/*.png

# *.txt: the text files and NAME.changes.txt; *.diff: what runs before schema 2.0.0 wrote
clean:
	rm -rf "$(OUT)"/*.json "$(OUT)"/*.md "$(OUT)"/*.txt "$(OUT)"/*.diff "$(OUT)"/*.pdf .pytest_cache
