"""What the bot sends, as Wechaty puppet calls: a text (with the @-mentions WeChat shows), a picture as a file box, a
friend accepted, a member invited or removed. Any failure is a SendError; one that may have been acted on (a timeout,
a gRPC error after the request left) is marked `unknown`, so the outbox never sends it blindly again.

room.say()/contact.say() of the SDK re-fetch the sent message whenever the server returns an id (an extra RPC that can
fail after the send succeeded), and room.say() prefixes "@name" unconditionally: the puppet's message_send_text is
called directly, with the same "@name\u2005" prefix, skipping names the text already @-mentions."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.core.events import Outgoing
from bot.core.names import display_name
from bot.transport import SendError, wechaty_sdk

log = logging.getLogger("bot.transport.wechaty")

AT_SEPARATOR = "\u2005"  # what WeChat (and room.say) put after "@name"


async def send_text(bot: Any, out: Outgoing, timeout: float) -> None:
    """A text to a room (with its mentions) or to a contact."""
    if out.room:
        conversation = out.room
        text = await mention_prefix(bot, out) + out.text
        mention_ids = list(out.mentions) or None
    elif out.to:
        conversation, text, mention_ids = out.to, out.text, None
    else:
        raise SendError("Outgoing needs a room or a contact")
    await call(f"send to {conversation}",
               bot.puppet.message_send_text(conversation_id=conversation, message=text, mention_ids=mention_ids), timeout)


async def send_image(bot: Any, out: Outgoing, timeout: float) -> None:
    """A picture as a file box (base64 inside the gRPC request; the alt text is not sent: the picture says it)."""
    conversation = out.room or out.to
    if not conversation:
        raise SendError("Outgoing needs a room or a contact")
    try:
        box = wechaty_sdk.loaded().FileBox.from_file(out.image)
    except OSError as e:  # nothing was sent
        raise SendError(f"picture {out.image} unreadable: {e!r}") from e
    await call(f"send picture to {conversation}", bot.puppet.message_send_file(conversation_id=conversation, file=box),
               timeout)


async def call(what: str, coro: Any, timeout: float) -> None:
    """Await a puppet request within the timeout; any failure is a SendError that may have been acted on."""
    try:
        await asyncio.wait_for(coro, timeout=timeout)
    except asyncio.TimeoutError as e:
        raise SendError(f"{what} timed out after {timeout:g}s", unknown=True) from e
    except Exception as e:  # grpc status, dropped stream: the request may have been acted on
        raise SendError(f"{what} failed: {e!r}", unknown=True) from e


async def mention_prefix(bot: Any, out: Outgoing) -> str:
    """'@Name\u2005' for each mentioned member not already @-named in the text (as room.say does)."""
    parts = []
    for cid in out.mentions:
        contact = bot.Contact.load(cid)
        try:
            await contact.ready()
        except Exception as e:  # noqa: BLE001 - unknown contact: keep the mention id, skip the name
            log.warning("mention %s: no contact payload (%r)", cid, e)
            continue
        name = display_name(contact.name, cid)  # the SDK's raw name: line breaks, bidi, 10,000 characters
        if f"@{name}" not in out.text:
            parts.append(f"@{name}{AT_SEPARATOR}")
    return "".join(parts)
