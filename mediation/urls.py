from django.urls import path

from . import views

app_name = "mediation_public"
urlpatterns = [
    path("businesses/", views.public_businesses, name="businesses"),
]
