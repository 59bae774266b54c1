"""The news reader's secrets against the emulator's Secrets Manager (issue 20, item 11): the
database login is read again after the database refuses it (RDS rotated it), and a secret that
cannot be read is an error, never an empty value. Run by e2e/tests/aws_app_secrets.rs with
AWS_ENDPOINT_URL pointing at moto and the app's directory on PYTHONPATH."""

import json
import os
import unittest

import boto3

import credentials


class RotatingDatabase:
    """Accepts only the secret's current password, as RDS does after a rotation."""

    def __init__(self, client, arn):
        self.client, self.arn, self.logins = client, arn, []

    def connect(self, user, password):
        self.logins.append(password)
        current = json.loads(self.client.get_secret_value(SecretId=self.arn)["SecretString"])
        if (user, password) != (current["username"], current["password"]):
            raise Exception(credentials.ACCESS_DENIED, f"Access denied for user '{user}'")
        return "a connection"


class AppCredentials(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("secretsmanager", region_name=os.environ["AWS_REGION"])
        name = f"rds-db-{self.id().rsplit('.', 1)[-1]}"
        login = {"username": "admin", "password": "first"}
        self.arn = self.client.create_secret(Name=name, SecretString=json.dumps(login))["ARN"]
        os.environ["DB_SECRET_ARN"] = self.arn

    def rotate(self, password):
        login = {"username": "admin", "password": password}
        self.client.put_secret_value(SecretId=self.arn, SecretString=json.dumps(login))

    def test_a_rotated_password_is_read_again_after_the_database_refuses_the_old_one(self):
        database = RotatingDatabase(self.client, self.arn)
        login = credentials.DatabaseLogin()
        self.assertEqual(login.open(database.connect), "a connection")
        self.rotate("second")
        self.assertEqual(login.open(database.connect), "a connection")
        self.assertEqual(database.logins, ["first", "first", "second"])
        # Cached while it works: no read per connection.
        self.assertEqual(login.get(), ("admin", "second"))

    def test_another_failure_is_not_retried(self):
        def unreachable(user, password):
            raise Exception(2003, "Can't connect to MySQL server")

        with self.assertRaises(Exception) as raised:
            credentials.DatabaseLogin().open(unreachable)
        self.assertEqual(raised.exception.args[0], 2003)

    def test_a_secret_that_cannot_be_read_is_an_error_not_an_empty_value(self):
        os.environ["SECRET_KEY_ARN"] = self.arn.replace("rds-db", "missing")
        try:
            with self.assertRaises(credentials.SecretUnavailable) as raised:
                credentials.setting("SECRET_KEY")
            self.assertIn("cannot read secret", str(raised.exception))
        finally:
            del os.environ["SECRET_KEY_ARN"]
        os.environ["DB_SECRET_ARN"] = self.arn.replace("rds-db", "missing")
        with self.assertRaises(credentials.SecretUnavailable):
            credentials.DatabaseLogin().get()

    def test_a_secret_that_is_not_a_login_is_named(self):
        self.client.put_secret_value(SecretId=self.arn, SecretString="not json")
        with self.assertRaises(credentials.SecretUnavailable) as raised:
            credentials.DatabaseLogin().get()
        self.assertIn("not a database login", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
