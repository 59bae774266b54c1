#!/bin/bash
# Logic tier boot script: mount EFS, fetch the database credentials from Secrets Manager with the
# instance role (never written here), start the Flask app on port 5000.
set -euo pipefail

dnf install -y amazon-efs-utils python3-pip jq
mkdir -p /mnt/efs
mount -t efs -o tls {{EFS_ID}}:/ /mnt/efs
echo "{{EFS_ID}}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab

DB_SECRET=$(aws secretsmanager get-secret-value --region {{REGION}} \
  --secret-id '{{DB_SECRET_ARN}}' --query SecretString --output text)
export DB_HOST='{{DB_HOST}}'
export DB_NAME=newsreadb
export DB_USER=$(echo "$DB_SECRET" | jq -r .username)
export DB_PASSWORD=$(echo "$DB_SECRET" | jq -r .password)

cd /mnt/efs/app
pip3 install -r requirements.txt
nohup python3 -m flask --app app run --host 0.0.0.0 --port 5000 >/var/log/flask.log 2>&1 &
