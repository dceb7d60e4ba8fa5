"""Who opened the Mini App: Telegram signs the page's initData with a key derived from the
bot's token (core.telegram.org/bots/webapps, «Validating data received via the Mini App»).
aiogram checks the signature; this adds the age check Telegram leaves to the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.utils.web_app import WebAppUser, safe_parse_webapp_init_data

# A client's clock may run a little ahead of ours; more than this is not a clock, it is forged.
CLOCK_SKEW = timedelta(minutes=5)
# initData is a query string of a few hundred bytes; anything much longer is not Telegram's.
MAX_INIT_DATA = 8192


class InitDataRefused(Exception):
    """Why a request's initData is not accepted: missing, forged or stale."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authenticate(
    init_data: str | None, token: str, *, now: datetime, max_age: timedelta
) -> WebAppUser:
    """The Telegram user the initData was signed for; refused unless Telegram signed it for
    this bot within `max_age` before `now`."""
    if not init_data:
        raise InitDataRefused("missing")
    if len(init_data) > MAX_INIT_DATA:
        raise InitDataRefused("forged")
    try:
        data = safe_parse_webapp_init_data(token, init_data)
    except (ValueError, TypeError):
        # aiogram raises ValueError for a wrong hash; a malformed user object fails the same.
        raise InitDataRefused("forged") from None
    if data.user is None:
        raise InitDataRefused("forged")
    signed_at = data.auth_date
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    if signed_at > now + CLOCK_SKEW or now - signed_at > max_age:
        raise InitDataRefused("stale")
    return data.user
