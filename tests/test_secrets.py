"""The puppet token never appears in output: the SDK warns with it at every start (PuppetService.__init__), so
every log record and captured warning is masked."""
from __future__ import annotations

import asyncio
import logging
import warnings

import pytest

from bot.cli.redact import MASK, redact

TOKEN = "puppet_service_fake-TOKEN-3f9a1c"


def test_a_log_record_or_a_warning_carrying_the_token_is_masked(capsys):
    redact(TOKEN)
    handler = logging.StreamHandler()
    sdk_like = logging.getLogger("PuppetService.test")
    sdk_like.addHandler(handler)
    sdk_like.propagate = False  # like the SDK's loggers: their own console handler
    try:
        sdk_like.warning("there are endpoint<%s> and token<%s>", "127.0.0.1:9", TOKEN)
        sdk_like.warning(f"two tokens from options[adopted]<{TOKEN}> and environment<{TOKEN}>")
        try:
            raise RuntimeError(f"rejected {TOKEN}")
        except RuntimeError:
            sdk_like.exception("failed")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            logging.getLogger("py.warnings").addHandler(handler)
            warnings.warn(f"token {TOKEN} is deprecated", stacklevel=1)
            logging.getLogger("py.warnings").removeHandler(handler)
    finally:
        sdk_like.removeHandler(handler)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count(MASK) >= 5 and "127.0.0.1:9" in err


def test_the_wechaty_start_path_never_prints_the_token(capfd, monkeypatch):
    pytest.importorskip("wechaty_puppet_service")
    from bot.transport.wechaty_adapter import TransportStartError, WechatyTransport

    monkeypatch.setenv("WECHATY_PUPPET_SERVICE_TOKEN", TOKEN)  # set twice, as `main.py run` sees it
    transport = WechatyTransport("127.0.0.1:9", TOKEN, login_timeout=3)  # discard port: nothing listens

    async def start() -> None:
        async def on_event(event) -> None:
            pass
        with pytest.raises(TransportStartError):
            await transport.start(on_event)

    asyncio.run(start())
    out, err = capfd.readouterr()
    assert TOKEN not in out + err
    assert f"token<{MASK}>" in err  # the SDK warning was printed, masked
