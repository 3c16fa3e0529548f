from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
]
