"""Template helpers of the operations rooms pages."""

from __future__ import annotations

from typing import Any

from django import template

from sifara.rooms.selectors import user_is_room_guest_only

register = template.Library()


@register.simple_tag(takes_context=True)
def is_room_guest(context: dict[str, Any]) -> bool:
    """Is the signed-in person an outside guest (shown a navigation of their rooms only)?"""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user_is_room_guest_only(user=user))
