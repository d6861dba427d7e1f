"""Accounts in a real browser: register -> the mail arrives over SMTP -> follow its link -> the banner is
gone; forgot password -> reset -> log in."""
import pytest

from tests.conftest import mail_link


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def link_on_live_server(message, live_server):
    # The mail's links use the host the request came in on, which is the live server itself.
    link = mail_link(message)
    assert link.startswith(live_server.url)
    return link


def test_register_verify_banner_gone(live_server, page, smtp_server):
    page.goto(live_server.url + "/")
    page.click("text=Register")
    page.fill("#name", "Pat Browser")
    page.fill("#email", "pat@example.com")
    page.fill("#password", "tangerine orbit velvet")
    page.wait_for_selector("#password-feedback .strength")  # htmx strength feedback while typing
    page.fill("#confirm", "tangerine orbit velvet")
    page.click("button:has-text('Create account')")
    page.wait_for_selector("h1:has-text('Check your email')")

    [message] = smtp_server.wait_for(1)
    link = link_on_live_server(message, live_server)

    page.goto(live_server.url + "/login")
    page.fill("#email", "pat@example.com")
    page.fill("#password", "tangerine orbit velvet")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#verify-banner")

    page.goto(link)
    page.wait_for_selector("text=your email address is confirmed")
    assert page.locator("#verify-banner").count() == 0


def test_forgot_reset_log_in(live_server, page, smtp_server, auth):
    auth.create_user(email="pat@example.com")
    page.goto(live_server.url + "/login")
    page.click("text=Forgot your password?")
    page.fill("#email", "pat@example.com")
    page.click("button:has-text('Send me a link')")
    page.wait_for_selector("text=We have emailed that address")

    [message] = smtp_server.wait_for(1)
    page.goto(link_on_live_server(message, live_server))
    page.fill("#password", "a new browser password")
    page.fill("#confirm", "a new browser password")
    page.click("button:has-text('Save new password')")
    page.wait_for_selector("text=Your password is changed")

    page.fill("#email", "pat@example.com")
    page.fill("#password", "a new browser password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("header >> text=Account")
    assert page.url == live_server.url + "/"
