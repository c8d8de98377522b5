from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    """The change history page of a record: `<a href="{% history_url obj %}">History</a>`."""
    return reverse("crm:history", args=[obj._meta.label_lower, obj.pk])
