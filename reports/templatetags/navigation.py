"""Tags for the site's header (templates/base.html)."""

from django import template

from movements.models import DEFAULT_MOVEMENT

register = template.Library()


@register.simple_tag
def default_movement() -> str:
    """The code of the movement a page shows when none is chosen. Needs no database, so that
    the error pages, rendered without one, can link to it too."""
    return DEFAULT_MOVEMENT
