"""URLs of the webhook admin API (under /api/v1/)."""

from django.urls import path

from webhooks import views

urlpatterns = [
    path("admin/webhooks", views.WebhookListView.as_view(), name="admin-webhooks"),
    path("admin/webhooks/<str:webhook_id>", views.WebhookDetailView.as_view(), name="admin-webhook"),
    path(
        "admin/webhooks/<str:webhook_id>/rotate-secret",
        views.WebhookSecretRotateView.as_view(),
        name="admin-webhook-rotate-secret",
    ),
    path(
        "admin/webhooks/<str:webhook_id>/deliveries",
        views.WebhookDeliveryListView.as_view(),
        name="admin-webhook-deliveries",
    ),
    path(
        "admin/webhooks/<str:webhook_id>/deliveries/<str:delivery_id>",
        views.WebhookDeliveryDetailView.as_view(),
        name="admin-webhook-delivery",
    ),
    path(
        "admin/webhooks/<str:webhook_id>/deliveries/<str:delivery_id>/redeliver",
        views.WebhookRedeliverView.as_view(),
        name="admin-webhook-redeliver",
    ),
]
