"""URLs of the cart, checkout and purchases, and the admins' tenant-wide purchase list (under /api/v1/)."""

from django.urls import path

from orders import views

urlpatterns = [
    path("cart", views.CartView.as_view(), name="cart"),
    path("cart/add", views.CartAddView.as_view(), name="cart-add"),
    path("cart/items/<str:book_id>", views.CartItemView.as_view(), name="cart-item"),
    path("purchases", views.PurchaseListView.as_view(), name="purchases"),
    path("purchases/checkout", views.CheckoutView.as_view(), name="checkout"),
    path("purchases/analytics/summary", views.PurchaseSummaryView.as_view(), name="purchase-summary"),
    path("purchases/<str:purchase_id>", views.PurchaseDetailView.as_view(), name="purchase"),
    path("purchases/<str:purchase_id>/cancel", views.PurchaseCancelView.as_view(), name="purchase-cancel"),
    path("admin/purchases", views.TenantPurchaseListView.as_view(), name="admin-purchases"),
    path(
        "admin/purchases/<str:user_id>/<str:purchase_id>/cancel",
        views.AdminPurchaseCancelView.as_view(),
        name="admin-purchase-cancel",
    ),
    path(
        "admin/purchases/<str:user_id>/<str:purchase_id>/mark-paid",
        views.AdminPurchaseMarkPaidView.as_view(),
        name="admin-purchase-mark-paid",
    ),
]
