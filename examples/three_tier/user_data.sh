#!/bin/bash
# Logic tier boot script: mount EFS, read the database credentials and the app's keys from
# Secrets Manager with the instance role (never written here), copy the news reader from its
# file asset in S3 and run it on port 5000 under systemd.
set -euo pipefail

dnf install -y amazon-efs-utils python3-pip jq
mkdir -p /mnt/efs
mount -t efs -o tls {{EFS_ID}}:/ /mnt/efs
echo "{{EFS_ID}}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab

secret() {
  aws secretsmanager get-secret-value --region {{REGION}} --secret-id "$1" \
    --query SecretString --output text
}
DB_SECRET=$(secret '{{DB_SECRET_ARN}}')

# The app's code: the file asset Stratus uploaded, read with the instance role.
install -d -m 755 /opt/newsreader
aws s3 cp --region {{REGION}} '{{APP_URL}}' /tmp/newsreader.zip
python3 -m zipfile -e /tmp/newsreader.zip /opt/newsreader
rm /tmp/newsreader.zip
pip3 install -r /opt/newsreader/requirements.txt

# The variables the tutorial's app reads, in a file only root can read.
umask 077
cat > /etc/newsreader.env <<ENV
MYSQL_HOST={{DB_HOST}}
MYSQL_READ_HOST={{DB_READ_HOST}}
MYSQL_DB=newsreadb
MYSQL_USER=$(echo "$DB_SECRET" | jq -r .username)
MYSQL_PASSWORD=$(echo "$DB_SECRET" | jq -r .password)
SECRET_KEY=$(secret '{{SECRET_KEY_ARN}}')
API_KEY=$(secret '{{API_KEY_ARN}}')
PORT=5000
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

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now newsreader
