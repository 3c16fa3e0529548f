from django.contrib import admin

from cases.admin import register_case_inline

from .models import FollowUp


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0
    fields = ["channel", "satisfaction", "comment", "recorded_by", "recorded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # recorded through mediation.services.follow_up_record

    def has_change_permission(self, request, obj=None):
        return False


register_case_inline(FollowUpInline)
