#!/bin/sh
# The `test` service of docker-compose.yml: the README's test command, in the
# official odoo:18.0 image, against the compose `db` service (DB_HOST=db).
set -e
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
pip3 install --break-system-packages --no-deps --quiet -r /opt/telecom/requirements.txt
pip3 install --break-system-packages --quiet hypothesis pytest websocket-client
cd /opt/telecom
export TELECOM_DATA_DIR=/tmp/telecom-data
exec ./suite test
