#!/usr/bin/env sh
# Runs a command inside the project's Python environment (.venv at the repository root), creating or updating it
# first when etl/requirements.txt or etl/job-requirements.txt changed: `sh etl/venv.sh python -m pytest`. Needs Python 3.11 and Java 17.
set -eu
cd "$(dirname "$0")/.."
venv=.venv
requirements=etl/requirements.txt

python=${PYTHON:-}
if [ -z "$python" ]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
    done
fi
if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
    echo "error: Python 3.11 is needed (Glue 5.0's Python), found ${python:-none}." >&2
    echo "       Install python3.11 (with its venv module), or point PYTHON at one: PYTHON=/path/to/python3.11 npm test" >&2
    exit 1
fi
if ! command -v java >/dev/null 2>&1; then
    echo "error: Java is needed to run Spark: install a Java 17 runtime (Glue 5.0's), e.g. apt-get install openjdk-17-jre-headless" >&2
    exit 1
fi
# "17.0.15" -> 17; the old scheme "1.8.0_392" -> 8
java_major=$(java -version 2>&1 | sed -n -e 's/.*version "1\.\([0-9]*\).*/\1/p' -e 't' -e 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
case "$java_major" in
    17|11|21) ;;
    *) echo "error: Java ${java_major:-unknown} found; Spark 3.5 needs Java 17 (Glue 5.0's; 11 and 21 also work)." >&2; exit 1 ;;
esac

stamp="$venv/.requirements.sha256"
# Both files: requirements.txt includes job-requirements.txt.
wanted=$("$python" -c 'import hashlib, sys; print(hashlib.sha256(b"".join(open(f, "rb").read() for f in sys.argv[1:])).hexdigest())' "$requirements" etl/job-requirements.txt)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "Installing the Python environment into $venv from $requirements..." >&2
    "$python" -m venv "$venv" || { echo "error: could not create $venv; install Python 3.11's venv module (e.g. apt-get install python3.11-venv)" >&2; exit 1; }
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2; then
        echo "error: pip could not install $requirements into $venv (see above); check the network or the package index" >&2
        exit 1
    fi
    echo "$wanted" > "$stamp"
fi
PATH="$PWD/$venv/bin:$PATH" PYTHONPATH="$PWD/etl${PYTHONPATH:+:$PYTHONPATH}" exec "$@"
