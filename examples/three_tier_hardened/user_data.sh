#!/bin/bash
# Logic tier boot script: mount EFS, read the database credentials and the app's keys from
# Secrets Manager with the instance role (never written here), start the Flask app on 5000.
# No SSH: administrators connect with Session Manager.
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
APP_SECRET=$(secret '{{APP_SECRET_ARN}}')
export MYSQL_HOST='{{DB_HOST}}'
export MYSQL_READ_HOST='{{DB_READ_HOST}}'
export MYSQL_DB=newsreadb
export MYSQL_USER=$(echo "$DB_SECRET" | jq -r .username)
export MYSQL_PASSWORD=$(echo "$DB_SECRET" | jq -r .password)
export SECRET_KEY=$(echo "$APP_SECRET" | jq -r .secret_key)

mkdir -p /mnt/efs/app
cd /mnt/efs/app
if [ -f requirements.txt ]; then pip3 install -r requirements.txt; fi
nohup python3 -m flask --app app run --host 0.0.0.0 --port 5000 >/var/log/flask.log 2>&1 &
