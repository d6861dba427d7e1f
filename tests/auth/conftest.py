import pytest


@pytest.fixture
def app_config(smtp_server):
    """Account tests send real mail to the loopback SMTP server."""
    return dict(smtp_server.config)
