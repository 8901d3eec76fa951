from django.urls import path

from app.views import api, chat, conversations, events, oauth

urlpatterns = [
    path("", chat.ChatView.as_view(), name="chat"),
    path("oauth2/login/", oauth.LoginView.as_view(), name="oauth-login"),
    path("oauth2callback/", oauth.CallbackView.as_view(), name="oauth-callback"),
    path("oauth2/logout/", oauth.LogoutView.as_view(), name="oauth-logout"),
    path("get_response", api.GetResponseView.as_view(), name="get-response"),
    path("runs/<str:run_id>/events", events.RunEventsView.as_view(), name="run-events"),
    path("conversations", conversations.ConversationListView.as_view(), name="conversations"),
    path("conversations/<str:conversation_id>", conversations.ConversationDetailView.as_view(), name="conversation"),
]
