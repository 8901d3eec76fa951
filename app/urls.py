from django.urls import path

from app.views import oauth

urlpatterns = [
    path("oauth2/login/", oauth.LoginView.as_view(), name="oauth-login"),
    path("oauth2callback/", oauth.CallbackView.as_view(), name="oauth-callback"),
    path("oauth2/logout/", oauth.LogoutView.as_view(), name="oauth-logout"),
]
