from django.urls import path

from app.views import chat, oauth

urlpatterns = [
    path("", chat.ChatView.as_view(), name="chat"),
    path("oauth2/login/", oauth.LoginView.as_view(), name="oauth-login"),
    path("oauth2callback/", oauth.CallbackView.as_view(), name="oauth-callback"),
    path("oauth2/logout/", oauth.LogoutView.as_view(), name="oauth-logout"),
]
