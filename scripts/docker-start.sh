#!/bin/sh
# Start of the `odoo` service of docker-compose.yml (official odoo:18.0 image,
# running as the odoo user whose home, /var/lib/odoo, is a volume).
set -e
# The image's Odoo is a Debian package, not a pip distribution: install the OCA
# add-ons without letting pip try to fetch an "odoo" distribution.
pip3 install --user --break-system-packages --no-deps --quiet -r /opt/telecom/requirements.txt
exec python3 /opt/telecom/suite run --config /etc/odoo/odoo.conf --port 8069
