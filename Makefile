# Twitch Check: every target sets up what it needs; a second run does no needless work.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_MODEL := build/spacy_twitch
MODEL := models/twitch_check.tar.gz
TRAIN_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(SPACY_MODEL)/meta.json
RESULTS := test-results
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: install spacy train chat serve test unit validate story-test nlu-test eval benchmark clean

$(VENV)/.installed: requirements.txt constraints.txt
	@python310=$$(scripts/find_python310.sh) || exit 1; \
	  [ -x $(PY) ] || $$python310 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

$(SPACY_MODEL)/meta.json: nlp/build_spacy_pipeline.py nlp/patterns.yml $(VENV)/.installed
	$(PY) nlp/build_spacy_pipeline.py $(SPACY_MODEL)

spacy: $(SPACY_MODEL)/meta.json

# Trains only when the training data, domain, config or spaCy pipeline changed.
$(MODEL): $(TRAIN_INPUTS) $(VENV)/.installed
	$(RASA) train --fixed-model-name twitch_check --out models

train: $(MODEL)

chat: $(MODEL)
	@scripts/chat.sh

serve: $(MODEL)
	@scripts/serve.sh

unit: install
	$(PY) -m pytest tests -q -p no:cacheprovider

validate: install
	$(RASA) data validate --fail-on-warnings

story-test: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out $(RESULTS)/stories

nlu-test: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/test_nlu.yml --out $(RESULTS)/nlu

# Simulated people from tests/vignettes talk to the running servers; fails below the targets.
eval: $(MODEL)
	$(PY) -m tests.eval.conversations --out $(RESULTS)/eval

benchmark: $(MODEL)
	$(PY) -m tests.eval.benchmark

test: validate $(MODEL)
	$(PY) -m pytest tests -q -p no:cacheprovider
	$(MAKE) --no-print-directory story-test nlu-test eval

clean:
	rm -rf $(VENV) build models $(RESULTS) results .rasa
