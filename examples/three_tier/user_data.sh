#!/bin/bash
# Logic tier boot script: mount EFS, copy the news reader from its file asset in S3 and run it
# on port 5000 under systemd. The app reads the database login and its keys from Secrets
# Manager with the instance role, when it needs them (the managed password rotates): only the
# secrets' ARNs are written here, never their values.
set -euo pipefail

dnf install -y amazon-efs-utils python3-pip
mkdir -p /mnt/efs
mount -t efs -o tls {{EFS_ID}}:/ /mnt/efs
echo "{{EFS_ID}}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab

# The app's code: the file asset Stratus uploaded, read with the instance role.
install -d -m 755 /opt/newsreader
aws s3 cp --region {{REGION}} '{{APP_URL}}' /tmp/newsreader.zip
python3 -m zipfile -e /tmp/newsreader.zip /opt/newsreader
rm /tmp/newsreader.zip
pip3 install -r /opt/newsreader/requirements.txt

# Where the app finds its database and its secrets (quoted, as systemd reads them).
umask 077
cat > /etc/newsreader.env <<'ENV'
AWS_REGION="{{REGION}}"
MYSQL_HOST="{{DB_HOST}}"
MYSQL_READ_HOST="{{DB_READ_HOST}}"
MYSQL_DB="newsreadb"
DB_SECRET_ARN="{{DB_SECRET_ARN}}"
SECRET_KEY_ARN="{{SECRET_KEY_ARN}}"
API_KEY_ARN="{{API_KEY_ARN}}"
PORT="5000"
ENV

cat > /etc/systemd/system/newsreader.service <<'UNIT'
[Unit]
Description=News reader (Flask)
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=/etc/newsreader.env
WorkingDirectory=/opt/newsreader
ExecStart=/usr/bin/python3 /opt/newsreader/app.py
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now newsreader
