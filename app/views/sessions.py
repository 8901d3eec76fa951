"""The session a request really has, not the one its cookie names."""


async def live_session_key(request) -> str | None:
    """This browser's session key, or None when its session has ended.

    The cookie's key is only a claim: after Disconnect (the session flushed) or
    expiry, the old cookie still names it. Loading the session is what finds it
    gone and drops the key, so an ended session opens nothing.
    """
    await request.session.akeys()
    return request.session.session_key
