#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 supports 3.8 to 3.10 only).
# A pyenv shim named python3.10 can exist without working, so each candidate is run, not just found.
set -u
for candidate in "${PYTHON310:-}" python3.10 \
    "$(command -v pyenv >/dev/null 2>&1 && pyenv root)"/versions/3.10*/bin/python3.10 \
    /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
echo "error: Python 3.10 is required (Rasa 3.6 runs on Python 3.8-3.10) and was not found." >&2
echo "Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10') or set PYTHON310=/path/to/python3.10." >&2
exit 1
