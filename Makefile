# Twitch Check: every target sets up what it needs; a second run does no needless work.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_MODEL := build/spacy_twitch
MODEL := models/twitch_check.tar.gz
TRAIN_INPUTS := config.yml domain.yml $(wildcard data/*.yml) nlp/components.py
RESULTS := test-results
# The widget and axe-core (the browser tests' accessibility checks): a clone without either runs npm ci.
WEBCHAT := webchat/node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium
ACTIVE_CREDENTIALS := build/credentials.active.yml
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa's telemetry and error reporting stay off for every target (docs/privacy.md, "Privacy").
export RASA_TELEMETRY_ENABLED := false
POSTGRES_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))

.PHONY: install spacy train chat serve serve-scale databases balancer test unit e2e scale validate story-test nlu-test eval eval-fresh benchmark clean FORCE

$(VENV)/.installed: requirements.txt constraints.txt
	@python310=$$(scripts/find_python310.sh) || exit 1; \
	  [ -x $(PY) ] || $$python310 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

# The web chat widget, served from the project (never a CDN), and axe-core for the tests.
$(WEBCHAT): webchat/package.json webchat/package-lock.json
	npm ci --prefix webchat --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji

# PostgreSQL and Redis for several instances, and HAProxy to share the messages between them
# (tests/databases.py and tests/cluster.py start them on 127.0.0.1; README, "Several instances").
HAPROXY := $(firstword $(shell command -v haproxy 2>/dev/null) $(wildcard /usr/sbin/haproxy))
databases:
	@if [ -z "$(POSTGRES_INITDB)" ] || ! command -v redis-server >/dev/null || [ -z "$(HAPROXY)" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server haproxy; \
	fi

balancer:
	@if [ -z "$(HAPROXY)" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	fi

# Only the channels whose environment variables are set (docs/channels.md, "Chat channels").
$(ACTIVE_CREDENTIALS): FORCE $(VENV)/.installed
	@mkdir -p build
	@$(PY) -c "import channels, sys; sys.stdout.write(channels.active_credentials())" > $@
FORCE:

install: $(VENV)/.installed $(WEBCHAT)

KNOWLEDGE := $(wildcard actions/knowledge/*.yml)
$(SPACY_MODEL)/meta.json: nlp/build_spacy_pipeline.py $(KNOWLEDGE) $(VENV)/.installed
	$(PY) nlp/build_spacy_pipeline.py $(SPACY_MODEL)

spacy: $(SPACY_MODEL)/meta.json

# The learned layer (README, "The learned layer"): trained on the blind corpus, seeded, about a minute.
SUSPICION := build/suspicion/model.joblib
$(SUSPICION): nlp/suspicion.py nlp/corpus_scores.py actions/medical/suspect.py $(wildcard nlp/corpus/*.tsv) $(KNOWLEDGE) data/nlu.yml $(VENV)/.installed
	$(PY) -m nlp.suspicion train build/suspicion

# Trains only when the training data, domain or config changed. SpacyNLP loads the spaCy pipeline
# from build/ at run time, so a lexicon change rebuilds that pipeline without retraining.
# Rasa's fine-grained cache (.rasa/cache, kept between runs) retrains only the parts whose inputs
# changed: a change to responses alone reuses every trained component and takes seconds.
$(MODEL): $(TRAIN_INPUTS) $(VENV)/.installed | $(SPACY_MODEL)/meta.json
	$(RASA) train --fixed-model-name twitch_check --out models

train: $(MODEL) $(SUSPICION)

# What running the assistant needs: the trained model and the current spaCy pipeline.
BOT := $(MODEL) $(SPACY_MODEL)/meta.json $(SUSPICION)

chat: $(BOT)
	@scripts/chat.sh

serve: $(BOT) $(WEBCHAT) $(ACTIVE_CREDENTIALS)
	@scripts/serve.sh $(ACTIVE_CREDENTIALS)

# Two instances behind HAProxy on PostgreSQL + Redis (docs/keeping-conversations.md, "Several instances").
serve-scale: $(BOT) $(WEBCHAT) $(ACTIVE_CREDENTIALS) balancer
	@SCALE=1 scripts/serve.sh $(ACTIVE_CREDENTIALS)

unit: install $(SUSPICION)
	$(PY) -m pytest tests/unit tests/channels -q -p no:cacheprovider

e2e: $(BOT) install $(CHROMIUM)
	$(PY) -m pytest tests/e2e -q -p no:cacheprovider

# Two Rasa instances behind HAProxy on PostgreSQL + Redis.
scale: $(BOT) install databases
	$(PY) -m pytest tests/scale -q -p no:cacheprovider

validate: install
	$(RASA) data validate --fail-on-warnings

story-test: $(BOT)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out $(RESULTS)/stories

# Two held-out sets (the second written blind); fails below target (tests/eval/nlu_scores.py).
nlu-test: $(BOT)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/test_nlu.yml --out $(RESULTS)/nlu
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/test_nlu_blind.yml --out $(RESULTS)/nlu-blind
	$(PY) -m tests.eval.nlu_scores $(RESULTS)
	$(PY) -m nlp.suspicion score build/suspicion | tee $(RESULTS)/learned_layer.txt

# Simulated people from tests/vignettes talk to the running servers; fails below the targets.
eval: $(BOT)
	$(PY) -m tests.eval.conversations --out $(RESULTS)/eval

# The second blind set, kept out of the fixes: how the assistant does on people it has never met.
eval-fresh: $(BOT)
	$(PY) -m tests.eval.conversations --sets blind2 blind3 blind4 --out $(RESULTS)/eval-fresh

# The stock `rasa init` bot, made and trained once with this project's Rasa, to compare against.
STOCK_BOT := build/stock_bot/.trained
$(STOCK_BOT): $(VENV)/.installed
	rm -rf build/stock_bot && mkdir -p build/stock_bot
	$(RASA) init --no-prompt --init-dir build/stock_bot >/dev/null
	touch $@

# The stock bot, one instance and the pair behind HAProxy under the same load, and the CPU of a turn
# (docs/speed.md, "Speed"); BENCH_SECONDS per load (default 30).
benchmark: $(BOT) $(STOCK_BOT) databases
	$(PY) -m tests.eval.benchmark

test: validate $(BOT) install $(CHROMIUM) databases
	$(PY) -m pytest tests -q -p no:cacheprovider
	$(MAKE) --no-print-directory story-test nlu-test eval

clean:
	rm -rf $(VENV) build models $(RESULTS) results .rasa
