"""`flask users ...`"""
import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from app.auth.password_policy import PasswordRejected, check_password
from app.auth.services import create_admin

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", help="The admin's password; prompted for (hidden) when left out.")
def create_admin_command(email, password):
    """Create an admin account (or make an existing account an admin)."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"invalid email address: {error}") from None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password(password, email=email)
    except PasswordRejected as error:
        raise click.ClickException(str(error)) from None
    user = create_admin(email, password)
    click.echo(f"Admin ready: {user.email}")
