"""URLs of the local outbox (under /api/v1/)."""

from django.urls import path

from emails import views

urlpatterns = [
    path("admin/outbox", views.OutboxListView.as_view(), name="admin-outbox"),
    path("admin/outbox/<str:message_id>", views.OutboxMessageView.as_view(), name="admin-outbox-message"),
]
