"""The staff admin site: Django's, with the workbench (backoffice.workbench) as its home page."""

from django.contrib.admin import AdminSite


class StaffAdminSite(AdminSite):
    index_template = "admin/workbench.html"
    # The workbench is the way around; without the navigation column the case list's columns fit 1,280 px.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        from .workbench import workbench

        return super().index(request, {**workbench(request.user), **(extra_context or {})})
