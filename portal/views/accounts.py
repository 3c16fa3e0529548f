"""Setting one's password from the invitation link (cases.users.account_invite): businesses and staff alike."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "portal/set_password.html"
    success_url = reverse_lazy("portal:set_password_done")
    post_reset_login = False


@require_GET
def set_password_done(request):
    return render(request, "portal/set_password_done.html")
