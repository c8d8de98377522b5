#!/usr/bin/env bash
# `make loadtest`: migrate and seed a database of its own, serve it with gunicorn (3 workers) on 127.0.0.1,
# run locust headless (30 users, 2 minutes), stop everything, and check: no errors, p95 under 500 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DATABASE_URL="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/epoch_load}"
PORT="${LOAD_PORT:-8105}"
USERS="${LOAD_USERS:-30}"
DURATION="${LOAD_DURATION:-2m}"
OUT=loadtest/results
export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
mkdir -p "$OUT"

# The load database: created when missing (never the development or test database), migrated, seeded.
DB_NAME="${DATABASE_URL##*/}"
ADMIN_URL="${DATABASE_URL%/*}/postgres"
psql "$ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 \
  || psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\""
$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo > /dev/null
$PY manage.py collectstatic --no-input -v 0
$PY loadtest/prepare.py > "$OUT/setup.json"

# As README "Serving with gunicorn" says: the app imported once before the workers fork (--preload).
.venv/bin/gunicorn crm.wsgi --bind "127.0.0.1:$PORT" --workers 3 --timeout 60 --preload \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.3; done
# Warm each worker's template and URL caches, as a server that has been up for a while would be.
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/"; done

LOADTEST_SETUP="$OUT/setup.json" .venv/bin/locust -f loadtest/locustfile.py --headless \
  --host "http://127.0.0.1:$PORT" --users "$USERS" --spawn-rate 5 --run-time "$DURATION" --stop-timeout 10 \
  --csv "$OUT/run" --only-summary --loglevel WARNING || true

$PY loadtest/check.py "$OUT/run_stats.csv"
