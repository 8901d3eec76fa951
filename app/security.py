"""Content-Security-Policy for every response.

The page renders text that comes from email, files and the model. Even if a
sanitiser missed something, this policy stops inline script and any remote
load (images included, so a tracking pixel in a mail cannot phone home).
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    # Works in both modes so async views are not pushed onto a thread.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        return self._apply(request, self.get_response(request))

    async def _acall(self, request):
        return self._apply(request, await self.get_response(request))

    @staticmethod
    def _apply(request, response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response
