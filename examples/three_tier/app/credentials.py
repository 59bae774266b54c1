"""Where the news reader's secrets come from, and when they are read.

On AWS the boot script gives the app the ARNs of its secrets, never their values: the app reads
them from Secrets Manager with the instance role when it needs them. The database login is read
on first use and again when the database refuses it, because RDS rotates the password it manages
every seven days. A secret that cannot be read is an error that stops the app, never an empty
value. Without ARNs (a laptop, the smoke test) the values come from the environment.
"""

import json
import os

# MySQL's "Access denied for user": the login is wrong, perhaps rotated since it was read.
ACCESS_DENIED = 1045


class SecretUnavailable(RuntimeError):
    """A configured secret could not be read."""


def read_secret(arn):
    """The text of the secret `arn`, read now; `SecretUnavailable` when it cannot be read."""
    import boto3  # only where secrets come from AWS

    try:
        client = boto3.client("secretsmanager", region_name=os.environ.get("AWS_REGION"))
        text = client.get_secret_value(SecretId=arn).get("SecretString")
    except Exception as error:  # any failure: credentials, network, a missing secret
        raise SecretUnavailable(f"cannot read secret {arn}: {error}") from error
    if not text:
        raise SecretUnavailable(f"secret {arn} holds no text")
    return text


def setting(name):
    """`name`'s value: from its secret when `{name}_ARN` is set, else from the environment
    (None when neither is)."""
    arn = os.environ.get(f"{name}_ARN")
    return read_secret(arn) if arn else os.environ.get(name)


class DatabaseLogin:
    """The database user and password: from the secret RDS manages (`DB_SECRET_ARN`), or from
    `MYSQL_USER` and `MYSQL_PASSWORD`."""

    def __init__(self):
        self._login = None

    def get(self, refresh=False):
        """The login, read from its secret on first use or when `refresh` asks."""
        arn = os.environ.get("DB_SECRET_ARN")
        if not arn:
            return os.environ["MYSQL_USER"], os.environ["MYSQL_PASSWORD"]
        if self._login is None or refresh:
            try:
                secret = json.loads(read_secret(arn))
                self._login = (secret["username"], secret["password"])
            except (ValueError, KeyError) as error:
                raise SecretUnavailable(f"secret {arn} is not a database login: {error}") from error
        return self._login

    def open(self, connect):
        """`connect(user, password)`, read again once after the database refuses the login."""
        user, password = self.get()
        try:
            return connect(user, password)
        except Exception as error:
            if not error.args or error.args[0] != ACCESS_DENIED:
                raise
        user, password = self.get(refresh=True)
        return connect(user, password)
