"""Every call made with an API key is logged with its partner (api.ApiCall), whatever its answer."""

from .models import ApiCall, ApiKey


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "auth", None)  # set by DRF once the key authenticated
        if isinstance(key, ApiKey):
            ApiCall.objects.create(
                partner_id=key.partner_id,
                key=key,
                method=request.method[:10],
                path=request.get_full_path()[:255],
                status_code=response.status_code,
            )
        return response
