from django.utils import timezone

from .services import uncovered_years_ahead


def calendar_coverage(request):
    """Staff see on every admin page when deadlines are about to fall in a year without official holiday data."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    return {"calendar_uncovered_years": uncovered_years_ahead(timezone.localdate(), horizon_days=60)}
