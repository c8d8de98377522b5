"""API viewsets, serializers and filtersets of this app (DESIGN.md section 6)."""

# (prefix, viewset, basename) for crm/api_urls.py's router.
ROUTES: list[tuple] = []
