# Qingmiao Workbench — the README's commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/qingmiao.duckdb
YEAR   ?= 2023
PORT   ?=
NO_BROWSER ?=
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help demo test lab report figures export bench clean

# `make help` prints each target's `##` line with the variables' values put in (YEAR, DB, PORT)
help: ## list the commands (variables: YEAR=$(YEAR) DB=$(DB) PORT=$(or $(PORT),8888))
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}' \
	  | sed -e 's|$$(YEAR)|$(YEAR)|g' -e 's|$$(DB)|$(DB)|g' -e 's|$$(or $$(PORT),8888)|$(or $(PORT),8888)|g'

# The locked set first (requirements.lock, every version pinned), then the package itself without
# resolving again; a platform's extra needs (e.g. pywinpty) are left to pip's check below.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

demo: $(STAMP) ## create .venv, build the demo county database and its $(YEAR) report
	$(BIN)/qingmiao demo --db $(DB) --if-missing
	$(BIN)/qingmiao report --db $(DB) --year $(YEAR)
	@echo ""
	@echo "数据库 database: $(DB)"
	@echo "报告 report:     reports/qingmiao-$(YEAR).html  (open it in any browser, offline)"
	@echo "笔记本 notebooks: make lab   (JupyterLab on notebooks/); make export → offline HTML copies"
	@echo "单位报告 per unit: .venv/bin/qingmiao report --year $(YEAR) --by-unit"

test: $(STAMP) ## create/update .venv and run the whole test suite
	$(BIN)/python -m pytest -n 2 --dist loadscope -q

lab: $(STAMP) ## open JupyterLab on notebooks/ against $(DB) (PORT=8890 NO_BROWSER=1 to choose)
	$(BIN)/qingmiao lab --db $(DB) $(if $(PORT),--port $(PORT)) $(if $(NO_BROWSER),--no-browser)

report: $(STAMP) ## write reports/qingmiao-$(YEAR).html from $(DB)
	$(BIN)/qingmiao report --db $(DB) --year $(YEAR)

figures: $(STAMP) ## print the headline figures F1–F9 for $(YEAR)
	$(BIN)/qingmiao figures --db $(DB) --year $(YEAR)

export: $(STAMP) ## run every notebook for $(YEAR) and write offline HTML to reports/notebooks/ (AUDIENCE=internal for 部内研判)
	$(BIN)/qingmiao demo --db $(DB) --if-missing
	$(BIN)/python -m qingmiao_lib.notebook_export --db $(DB) --year $(YEAR) --out reports/notebooks \
	  --audience $(or $(AUDIENCE),circulation)

bench: $(STAMP) ## run the scale benchmarks (slow; writes benchmarks/results/)
	$(BIN)/python benchmarks/bench_demo.py

clean: ## remove the generated database and reports (keeps .venv)
	rm -rf reports $(DB) $(DB).wal
