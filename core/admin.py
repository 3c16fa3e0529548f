"""Admin base classes. History in the admin is read-only for everyone: the past is never rewritten, not even by a
"revert"."""

from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button; a POST would still save the old version.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False


class WrittenByServices:
    """Mixin for the admins and inlines of records only services write (sheets, notices, steps…): shown,
    never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CappedCountPaginator(Paginator):
    """A changelist paginator that counts at most CAP rows (SELECT count(*) FROM (… LIMIT CAP + 1)), so a list
    over a million rows never runs a full COUNT(*); past the cap the list says "more than" and offers the first
    CAP rows' pages (narrow the filters to reach the rest)."""

    CAP = 10_000

    @cached_property
    def count(self):
        # Neither the order nor annotations (a search's rank) matter for counting.
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP

    def page(self, number):
        """The page's rows in two steps when the list joins related records: first the page's ids in the list's
        order (the order index, no join), then those rows with their related records. Otherwise the planner,
        which often expects far fewer matches than a search finds, may join every match to its business and
        person before it sorts them and keeps 50."""
        queryset = self.object_list
        if not (isinstance(queryset, QuerySet) and queryset.query.select_related and queryset._fields is None):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class QuickActionCheckbox:
    """ModelAdmin mixin: each row's action checkbox written as markup, as Django's widget renders it, instead of
    through the form renderer's templates (a list of 50 rows rendered 50 widget templates)."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

