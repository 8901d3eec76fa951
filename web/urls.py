from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("app.urls")),
]

handler404 = "app.views.errors.not_found"
handler500 = "app.views.errors.server_error"
